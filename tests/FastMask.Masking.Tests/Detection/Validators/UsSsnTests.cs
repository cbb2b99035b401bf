using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class UsSsnTests
{
    [Theory]
    [InlineData("123-45-6789")]
    [InlineData("536 22 8041")]
    [InlineData("536228041")]
    [InlineData("899-99-9999")]
    [InlineData("001-01-0001")]
    public void IsValid_IssuableNumber_ReturnsTrue(string ssn)
    {
        Assert.True(UsSsn.IsValid(Utf8(ssn)));
    }

    [Theory]
    [InlineData("000-12-3456")]
    [InlineData("666-12-3456")]
    [InlineData("900-12-3456")]
    [InlineData("999-12-3456")]
    [InlineData("123-00-4567")]
    [InlineData("123-45-0000")]
    [InlineData("078-05-1120")]
    [InlineData("219-09-9999")]
    [InlineData("123-45-678")]
    [InlineData("123-45-67890")]
    [InlineData("123.45.6789")]
    public void IsValid_UnissuableOrMalformed_ReturnsFalse(string ssn)
    {
        Assert.False(UsSsn.IsValid(Utf8(ssn)));
    }
}
