using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class AbaRoutingTests
{
    [Theory]
    [InlineData("021000021")]
    [InlineData("011000015")]
    [InlineData("121000358")]
    [InlineData("026009593")]
    public void IsValid_PublishedRoutingNumber_ReturnsTrue(string number)
    {
        Assert.True(AbaRouting.IsValid(Utf8(number)));
    }

    [Theory]
    [InlineData("021000022")]
    [InlineData("123456789")]
    [InlineData("000000000")]
    [InlineData("421000021")]
    [InlineData("02100002")]
    [InlineData("02100002a")]
    public void IsValid_BadChecksumPrefixOrShape_ReturnsFalse(string number)
    {
        Assert.False(AbaRouting.IsValid(Utf8(number)));
    }
}
