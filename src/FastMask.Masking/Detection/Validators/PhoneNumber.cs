namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// Phone numbers: E.164 with a leading '+' (8 to 15 digits), national numbers with a trunk 0 (10 or 11 digits),
/// and North American numbers (10 digits, or 11 with a leading 1; area code and exchange not starting with 0 or
/// 1, area code not N11). Shapes that belong to dates, times, IP addresses and version strings are rejected.
/// </summary>
internal static class PhoneNumber
{
    private const int MaxGroups = 8;

    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text.IndexOfAny(":/"u8) >= 0)
        {
            return false;
        }

        Span<byte> d = stackalloc byte[15];
        var count = Digits.Collect(text, d, "+ .-()"u8);
        if (count < 8)
        {
            return false;
        }

        var digits = d[..count];
        if (Digits.AllSame(digits))
        {
            return false;
        }

        var international = text[0] == '+';
        if (!international && LooksLikeDateIpOrVersion(text))
        {
            return false;
        }

        if (international)
        {
            return digits[0] != 0;
        }

        if (digits[0] == 0)
        {
            return count is 10 or 11;
        }

        if (count == 11)
        {
            if (digits[0] != 1)
            {
                return false;
            }

            digits = digits[1..];
        }

        return digits.Length == 10
            && digits[0] >= 2 && digits[3] >= 2
            && !(digits[1] == 1 && digits[2] == 1);
    }

    /// <summary>
    /// Runs of digits split by one repeated separator in the shape of a date (4-2-2, 2-2-4), an IPv4 address
    /// (four groups of at most three) or a dotted version; the dotted phone shapes 3-3-4 and 1-3-3-4 pass.
    /// </summary>
    private static bool LooksLikeDateIpOrVersion(ReadOnlySpan<byte> text)
    {
        Span<int> lengths = stackalloc int[MaxGroups];
        var groups = 0;
        var run = 0;
        byte separator = 0;
        foreach (var b in text)
        {
            if (Digits.IsDigit(b))
            {
                run++;
                continue;
            }

            if (b is (byte)'(' or (byte)')' || (separator != 0 && b != separator) || run == 0 || groups == MaxGroups - 1)
            {
                return false;
            }

            separator = b;
            lengths[groups++] = run;
            run = 0;
        }

        lengths[groups++] = run;
        var shape = lengths[..groups];
        if (separator == '.')
        {
            return !(IsShape(shape, 3, 3, 4) || (groups == 4 && shape[0] == 1 && IsShape(shape[1..], 3, 3, 4)));
        }

        return separator == '-' && (IsShape(shape, 4, 2, 2) || IsShape(shape, 2, 2, 4));
    }

    private static bool IsShape(ReadOnlySpan<int> shape, int a, int b, int c) =>
        shape.Length == 3 && shape[0] == a && shape[1] == b && shape[2] == c;
}
