using System.Buffers.Text;
using System.Text;
using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class JwtTests
{
    private const string Payload = "eyJzdWIiOiIxMjM0NTY3ODkwIn0";

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "sig")]
    [InlineData("{\"alg\":\"none\"}", "")]
    [InlineData("{ \"alg\" : \"RS256\", \"kid\" : \"k1\", \"x5c\": [\"a\", \"b\"] }", "c2ln")]
    public void IsValid_HeaderIsJsonObject_ReturnsTrue(string header, string signature)
    {
        Assert.True(Jwt.IsValid(Utf8($"{Encode(header)}.{Payload}.{signature}")));
    }

    [Fact]
    public void IsValid_LargeHeader_IsDecodedFromRentedBuffer()
    {
        var header = "{\"alg\":\"HS256\",\"pad\":\"" + new string('x', 1500) + "\"}";
        Assert.True(Jwt.IsValid(Utf8($"{Encode(header)}.{Payload}.sig")));
    }

    [Theory]
    [InlineData("{\"alg\":\"HS256\"")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"alg\":\"HS256\"} trailing")]
    [InlineData("not json")]
    public void IsValid_HeaderNotAJsonObject_ReturnsFalse(string header)
    {
        Assert.False(Jwt.IsValid(Utf8($"{Encode(header)}.{Payload}.sig")));
    }

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9..sig")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e.sig")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9x.eyJzdWIiOiIxIn0.sig")]
    public void IsValid_Malformed_ReturnsFalse(string text)
    {
        Assert.False(Jwt.IsValid(Utf8(text)));
    }
}
