using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class IpAddressTests
{
    [Theory]
    [InlineData("192.168.1.20")]
    [InlineData("8.8.8.8")]
    [InlineData("255.255.255.255")]
    [InlineData("10.0.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("fe80::1ff:fe23:4567:890a")]
    [InlineData("::ffff:192.0.2.128")]
    [InlineData("64:ff9b::192.0.2.33")]
    [InlineData("0:0:0:0:0:ffff:192.0.2.1")]
    [InlineData("FE80::ABCD")]
    [InlineData("2001:db8:0:0:1::")]
    public void IsValid_Address_ReturnsTrue(string address)
    {
        Assert.True(IpAddress.IsValid(Utf8(address)));
    }

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("01.2.3.4")]
    [InlineData("0.9.1.2")]
    [InlineData("1..2.3")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("1::2")]
    [InlineData("fe80::")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData("12345::1")]
    [InlineData("2001:db8:::1")]
    [InlineData("15:56:17")]
    [InlineData(":2001:db8::1")]
    [InlineData("2001:db8::1:")]
    [InlineData("::ffff:300.0.2.128")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("0:0:0:0:0:0:ffff:192.0.2.1")]
    public void IsValid_NotAnAddress_ReturnsFalse(string text)
    {
        Assert.False(IpAddress.IsValid(Utf8(text)));
    }
}
