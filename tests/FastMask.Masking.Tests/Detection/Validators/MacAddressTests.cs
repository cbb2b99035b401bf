using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class MacAddressTests
{
    [Theory]
    [InlineData("00:1A:2B:3C:4D:5E")]
    [InlineData("00-1a-2b-3c-4d-5e")]
    [InlineData("001a.2b3c.4d5e")]
    public void IsValid_Address_ReturnsTrue(string address)
    {
        Assert.True(MacAddress.IsValid(Utf8(address)));
    }

    [Theory]
    [InlineData("00:1A-2B:3C:4D:5E")]
    [InlineData("00:00:00:00:00:00")]
    [InlineData("FF:FF:FF:FF:FF:FF")]
    [InlineData("1234.5678.9012")]
    [InlineData("00:1A:2B:3C:4D")]
    [InlineData("00.1A.2B.3C.4D.5E")]
    [InlineData("001a:2b3c:4d5e")]
    public void IsValid_NotAnAddress_ReturnsFalse(string text)
    {
        Assert.False(MacAddress.IsValid(Utf8(text)));
    }
}
