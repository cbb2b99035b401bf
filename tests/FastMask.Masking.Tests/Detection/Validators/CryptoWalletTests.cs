using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class CryptoWalletTests
{
    [Theory]
    [InlineData("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")]
    [InlineData("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")]
    [InlineData("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [InlineData("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")]
    [InlineData("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3")]
    [InlineData("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr")]
    [InlineData("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    public void IsValid_KnownAddress_ReturnsTrue(string address)
    {
        Assert.True(CryptoWallet.IsValid(Utf8(address)));
    }

    [Theory]
    [InlineData("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")]
    [InlineData("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz")]
    [InlineData("11BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")]
    [InlineData("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp")]
    [InlineData("bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [InlineData("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")]
    [InlineData("bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj")]
    [InlineData("0x0000000000000000000000000000000000000000")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EEG")]
    public void IsValid_BadChecksumOrShape_ReturnsFalse(string address)
    {
        Assert.False(CryptoWallet.IsValid(Utf8(address)));
    }

    [Fact]
    public void Base58Check_TryDecode_GenesisAddress_HasVersionZero()
    {
        Span<byte> decoded = stackalloc byte[25];
        Assert.True(Base58Check.TryDecode(Utf8("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), decoded));
        Assert.Equal(0, decoded[0]);
        Assert.Equal(0x62, decoded[1]);
    }

    [Fact]
    public void Bech32_OtherHumanReadablePart_IsRejected()
    {
        Assert.False(Bech32.IsValidSegwitAddress(Utf8("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"), "bc"u8));
        Assert.True(Bech32.IsValidSegwitAddress(Utf8("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"), "tb"u8));
    }
}
