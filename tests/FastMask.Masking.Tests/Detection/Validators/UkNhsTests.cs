using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class UkNhsTests
{
    [Theory]
    [InlineData("9434765919")]
    [InlineData("943 476 5919")]
    [InlineData("401-023-2137")]
    [InlineData("4505577104")]
    public void IsValid_CorrectCheckDigit_ReturnsTrue(string number)
    {
        Assert.True(UkNhs.IsValid(Utf8(number)));
    }

    [Theory]
    [InlineData("9434765918")]
    [InlineData("4010232138")]
    [InlineData("0000000000")]
    [InlineData("943476591")]
    [InlineData("943/476/5919")]
    public void IsValid_WrongCheckDigitOrShape_ReturnsFalse(string number)
    {
        Assert.False(UkNhs.IsValid(Utf8(number)));
    }

    [Fact]
    public void IsValid_CheckDigitTen_IsNeverValid()
    {
        // 123456789: sum 10*1+9*2+...+2*9 = 210, 210 mod 11 = 1, 11 - 1 = 10: no check digit exists.
        for (var d = 0; d <= 9; d++)
        {
            Assert.False(UkNhs.IsValid(Utf8("123456789" + d)));
        }
    }
}
