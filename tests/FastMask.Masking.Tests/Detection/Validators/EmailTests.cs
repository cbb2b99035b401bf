using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class EmailTests
{
    [Theory]
    [InlineData("jane.doe@example.com")]
    [InlineData("first+tag@sub.mail.example.co.uk")]
    [InlineData("a@b.io")]
    [InlineData("x_y%z@corp-mail.example")]
    public void IsValid_Address_ReturnsTrue(string address)
    {
        Assert.True(Email.IsValid(Utf8(address)));
    }

    [Theory]
    [InlineData(".jane@example.com")]
    [InlineData("jane.@example.com")]
    [InlineData("ja..ne@example.com")]
    [InlineData("jane@-example.com")]
    [InlineData("jane@example-.com")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("icon@2x.png")]
    [InlineData("logo@3x.JPEG")]
    [InlineData("jane@example..com")]
    public void IsValid_NotAnAddress_ReturnsFalse(string text)
    {
        Assert.False(Email.IsValid(Utf8(text)));
    }

    [Fact]
    public void IsValid_LocalPartOver64_ReturnsFalse()
    {
        Assert.True(Email.IsValid(Utf8(new string('a', 64) + "@example.com")));
        Assert.False(Email.IsValid(Utf8(new string('a', 65) + "@example.com")));
    }

    [Fact]
    public void IsValid_LabelOver63_ReturnsFalse()
    {
        Assert.True(Email.IsValid(Utf8("a@" + new string('b', 63) + ".com")));
        Assert.False(Email.IsValid(Utf8("a@" + new string('b', 64) + ".com")));
    }
}
