namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// AWS secret access keys are 40 base64 characters of random bytes, so they mix upper case, lower case and
/// digits; hex digests of the same length (git object names, SHA-1) have no upper case and are rejected.
/// </summary>
internal static class AwsSecretKey
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        if (text.Length != 40)
        {
            return false;
        }

        bool upper = false, lower = false, digit = false;
        foreach (var b in text)
        {
            upper |= (uint)(b - 'A') <= 'Z' - 'A';
            lower |= (uint)(b - 'a') <= 'z' - 'a';
            digit |= Digits.IsDigit(b);
        }

        return upper && lower && digit;
    }
}
