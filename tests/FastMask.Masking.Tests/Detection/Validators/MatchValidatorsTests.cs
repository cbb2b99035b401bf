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
    public void IsValid_ValidAndRejectedInputs_AllocateNothing()
    {
        var inputs = new List<(ValidatorKind Kind, byte[] Text)>();
        foreach (var row in Samples)
        {
            var kind = (ValidatorKind)row[0];
            inputs.Add((kind, Utf8((string)row[1])));

            // A JWT header that is base64url but not JSON is rejected through the JSON reader's exception.
            if (kind != ValidatorKind.Jwt)
            {
                inputs.Add((kind, Utf8((string)row[2])));
            }
        }

        inputs.Add((ValidatorKind.CryptoWallet, Utf8("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr")));
        inputs.Add((ValidatorKind.CryptoWallet, Utf8("0x52908400098527886E0F7030069857D2E4169EE7")));
        inputs.Add((ValidatorKind.IpAddress, Utf8("::ffff:192.0.2.128")));
        inputs.Add((ValidatorKind.DateOfBirth, Utf8("March 5, 1990")));
        foreach (var (kind, text) in inputs)
        {
            MatchValidators.IsValid(kind, text);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var accepted = 0;
        for (var round = 0; round < 10; round++)
        {
            foreach (var (kind, text) in inputs)
            {
                accepted += MatchValidators.IsValid(kind, text) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10 * (Samples.Count + 4), accepted);
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
