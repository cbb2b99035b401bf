using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class LuhnTests
{
    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("5500-0055-5555-5559")]
    [InlineData("378282246310005")]
    [InlineData("30569309025904")]
    [InlineData("4000000000000000006")]
    [InlineData("4222222222222")]
    public void IsValidCardNumber_ValidNumber_ReturnsTrue(string number)
    {
        Assert.True(Luhn.IsValidCardNumber(Utf8(number)));
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("411111111111")]
    [InlineData("41111111111111111110")]
    [InlineData("4111x111111111111")]
    [InlineData("0000000000000000")]
    [InlineData("")]
    public void IsValidCardNumber_InvalidNumber_ReturnsFalse(string number)
    {
        Assert.False(Luhn.IsValidCardNumber(Utf8(number)));
    }

    [Fact]
    public void Check_EverySingleDigitChange_IsDetected()
    {
        byte[] digits = [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        Assert.True(Luhn.Check(digits));
        for (var i = 0; i < digits.Length; i++)
        {
            var original = digits[i];
            digits[i] = (byte)((original + 1) % 10);
            Assert.False(Luhn.Check(digits));
            digits[i] = original;
        }
    }
}
