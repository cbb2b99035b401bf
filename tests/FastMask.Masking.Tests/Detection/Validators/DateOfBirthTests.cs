using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class DateOfBirthTests
{
    [Theory]
    [InlineData("1990-05-17")]
    [InlineData("1990/5/7")]
    [InlineData("05/17/1990")]
    [InlineData("17.05.1990")]
    [InlineData("2000-02-29")]
    [InlineData("March 5, 1990")]
    [InlineData("Sept. 5 1990")]
    [InlineData("5 March 1990")]
    [InlineData("17 may, 1990")]
    public void IsValid_RealDate_ReturnsTrue(string date)
    {
        Assert.True(DateOfBirth.IsValid(Utf8(date)));
    }

    [Theory]
    [InlineData("1990-02-30")]
    [InlineData("1900-02-29")]
    [InlineData("1990-13-01")]
    [InlineData("1990-00-10")]
    [InlineData("13/13/1990")]
    [InlineData("17-05/1990")]
    [InlineData("1890-05-17")]
    [InlineData("2100-01-01")]
    [InlineData("Marching 5, 1990")]
    [InlineData("Ma 5, 1990")]
    [InlineData("5 Smarch 1990")]
    [InlineData("32 May 1990")]
    [InlineData("")]
    public void IsValid_ImpossibleDate_ReturnsFalse(string text)
    {
        Assert.False(DateOfBirth.IsValid(Utf8(text)));
    }
}
