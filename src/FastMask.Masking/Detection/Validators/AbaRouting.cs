namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// ABA routing transit numbers: nine digits, a Federal Reserve prefix (00-12, 21-32, 61-72, 80) and the
/// 3-7-1 weighted checksum.
/// </summary>
internal static class AbaRouting
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        Span<byte> d = stackalloc byte[9];
        if (Digits.Collect(text, d, default) != 9 || Digits.AllSame(d))
        {
            return false;
        }

        var prefix = (d[0] * 10) + d[1];
        if (prefix is not (<= 12 or (>= 21 and <= 32) or (>= 61 and <= 72) or 80))
        {
            return false;
        }

        var sum = (3 * (d[0] + d[3] + d[6])) + (7 * (d[1] + d[4] + d[7])) + d[2] + d[5] + d[8];
        return sum % 10 == 0;
    }
}
