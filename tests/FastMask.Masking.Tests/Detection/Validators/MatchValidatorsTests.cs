using FastMask.Masking.Detection;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class MatchValidatorsTests
{
    public static TheoryData<ValidatorKind, string, string> Samples => new()
    {
        { ValidatorKind.Luhn, "4111111111111111", "4111111111111112" },
        { ValidatorKind.UsSsn, "123-45-6789", "666-45-6789" },
        { ValidatorKind.Iban, "DE89370400440532013000", "DE88370400440532013000" },
        { ValidatorKind.AbaRouting, "021000021", "021000022" },
        { ValidatorKind.CryptoWallet, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3" },
        { ValidatorKind.UkNhs, "9434765919", "9434765918" },
        { ValidatorKind.IpAddress, "192.168.1.20", "192.168.1.256" },
        { ValidatorKind.MacAddress, "00:1A:2B:3C:4D:5E", "00:1A-2B:3C:4D:5E" },
        { ValidatorKind.PhoneNumber, "415-555-0132", "115-555-0132" },
        { ValidatorKind.Email, "jane@example.com", "icon@2x.png" },
        { ValidatorKind.UrlWithCredentials, "https://u:p@h.example", "https://u:@h.example" },
        { ValidatorKind.Jwt, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "eyJub3QganNvbg.eyJzdWIiOiIxIn0." },
        { ValidatorKind.DateOfBirth, "1990-05-17", "1990-02-30" },
        { ValidatorKind.AwsSecretKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "3f786850e387550fdab836ed7e6dc881de23001b" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void IsValid_DispatchesToTheValidator(ValidatorKind kind, string valid, string invalid)
    {
        Assert.True(MatchValidators.IsValid(kind, Utf8(valid)));
        Assert.False(MatchValidators.IsValid(kind, Utf8(invalid)));
    }

    [Fact]
    public void IsValid_EveryKindIsHandled()
    {
        var covered = new HashSet<ValidatorKind> { ValidatorKind.None };
        foreach (var row in Samples)
        {
            covered.Add((ValidatorKind)row[0]);
        }

        Assert.Equal(Enum.GetValues<ValidatorKind>().Length, covered.Count);
        Assert.True(MatchValidators.IsValid(ValidatorKind.None, "anything"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatchValidators.IsValid((ValidatorKind)999, "x"u8));
    }
}
