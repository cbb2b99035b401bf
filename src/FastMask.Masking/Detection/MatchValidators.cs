using FastMask.Masking.Detection.Validators;

namespace FastMask.Masking.Detection;

/// <summary>
/// Runs the check named by a pattern's <see cref="ValidatorKind"/> on the bytes of a match. Every validator
/// works on the UTF-8 span as given and allocates nothing, so rejecting a look-alike costs no garbage.
/// </summary>
internal static class MatchValidators
{
    public static bool IsValid(ValidatorKind kind, ReadOnlySpan<byte> utf8) => kind switch
    {
        ValidatorKind.None => true,
        ValidatorKind.Luhn => Luhn.IsValidCardNumber(utf8),
        ValidatorKind.UsSsn => UsSsn.IsValid(utf8),
        ValidatorKind.Iban => Iban.IsValid(utf8),
        ValidatorKind.AbaRouting => AbaRouting.IsValid(utf8),
        ValidatorKind.CryptoWallet => CryptoWallet.IsValid(utf8),
        ValidatorKind.UkNhs => UkNhs.IsValid(utf8),
        ValidatorKind.IpAddress => IpAddress.IsValid(utf8),
        ValidatorKind.MacAddress => MacAddress.IsValid(utf8),
        ValidatorKind.PhoneNumber => PhoneNumber.IsValid(utf8),
        ValidatorKind.Email => Email.IsValid(utf8),
        ValidatorKind.UrlWithCredentials => UrlWithCredentials.IsValid(utf8),
        ValidatorKind.Jwt => Jwt.IsValid(utf8),
        ValidatorKind.DateOfBirth => DateOfBirth.IsValid(utf8),
        ValidatorKind.AwsSecretKey => AwsSecretKey.IsValid(utf8),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown validator"),
    };
}
