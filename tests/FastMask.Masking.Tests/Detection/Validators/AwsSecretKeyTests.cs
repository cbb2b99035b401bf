using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class AwsSecretKeyTests
{
    [Theory]
    [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("9FveqizK7c0rUVdBDk3uSvKzT0MKBzRH3mNsDoBs")]
    public void IsValid_RandomBase64_ReturnsTrue(string key)
    {
        Assert.True(AwsSecretKey.IsValid(Utf8(key)));
    }

    [Theory]
    [InlineData("3f786850e387550fdab836ed7e6dc881de23001b")]
    [InlineData("3F786850E387550FDAB836ED7E6DC881DE23001B")]
    [InlineData("abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ")]
    [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE")]
    public void IsValid_HexDigestOrWrongShape_ReturnsFalse(string text)
    {
        Assert.False(AwsSecretKey.IsValid(Utf8(text)));
    }
}
