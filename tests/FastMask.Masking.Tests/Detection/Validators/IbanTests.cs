using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class IbanTests
{
    [Theory]
    [InlineData("DE89370400440532013000")]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("NL91ABNA0417164300")]
    [InlineData("NO9386011117947")]
    [InlineData("BE68539007547034")]
    [InlineData("CH9300762011623852957")]
    [InlineData("MT84MALT011000012345MTLCAST001S")]
    [InlineData("LC55HEMM000100010012001200023015")]
    [InlineData("RU0204452560040702810412345678901")]
    public void IsValid_RegistryExample_ReturnsTrue(string iban)
    {
        Assert.True(Iban.IsValid(Utf8(iban)));
    }

    [Theory]
    [InlineData("DE88370400440532013000")]
    [InlineData("DE8937040044053201300")]
    [InlineData("DE893704004405320130000")]
    [InlineData("XX89370400440532013000")]
    [InlineData("GB82west12345698765432")]
    [InlineData("DE00370400440532013000")]
    [InlineData("")]
    public void IsValid_WrongCheckLengthOrCountry_ReturnsFalse(string iban)
    {
        Assert.False(Iban.IsValid(Utf8(iban)));
    }

    [Theory]
    [InlineData('D', 'E', 22)]
    [InlineData('N', 'O', 15)]
    [InlineData('R', 'U', 33)]
    [InlineData('U', 'S', 0)]
    public void CountryLength_KnownAndUnknownCountries(char first, char second, int expected)
    {
        Assert.Equal(expected, Iban.CountryLength((byte)first, (byte)second));
    }
}
