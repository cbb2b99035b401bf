using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+14155550132")]
    [InlineData("+1 415 555 0132")]
    [InlineData("+44 20 7946 0018")]
    [InlineData("+1 (415) 555-0132")]
    [InlineData("(415) 555-0132")]
    [InlineData("415-555-0132")]
    [InlineData("415.555.0132")]
    [InlineData("1-800-555-0199")]
    [InlineData("1.800.555.0199")]
    [InlineData("020 7946 0018")]
    [InlineData("07700 900123")]
    public void IsValid_PhoneNumber_ReturnsTrue(string number)
    {
        Assert.True(PhoneNumber.IsValid(Utf8(number)));
    }

    [Theory]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+0 415 555 0132")]
    [InlineData("2026-12-03")]
    [InlineData("2026-1203-0101")]
    [InlineData("03-12-2026")]
    [InlineData("192.168.100.200")]
    [InlineData("10.0.19041.1234")]
    [InlineData("12:30:45 1234")]
    [InlineData("12/03/2026 1234")]
    [InlineData("115-555-0132")]
    [InlineData("415-155-0132")]
    [InlineData("911-555-0132")]
    [InlineData("415-555-01329")]
    [InlineData("2-415-555-0132")]
    [InlineData("555-555-5555")]
    [InlineData("0207 946")]
    public void IsValid_NotAPhoneNumber_ReturnsFalse(string text)
    {
        Assert.False(PhoneNumber.IsValid(Utf8(text)));
    }
}
