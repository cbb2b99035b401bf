namespace FastMask.Masking.Detection.Validators;

/// <summary>Byte-level helpers shared by the validators.</summary>
internal static class Digits
{
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static int HexValue(byte b) => IsDigit(b) ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>
    /// Copies the digit values (0-9) of <paramref name="text"/> into <paramref name="digits"/>, skipping
    /// <paramref name="separators"/>. Returns the digit count, or -1 when another byte occurs or there are more
    /// digits than <paramref name="digits"/> holds.
    /// </summary>
    public static int Collect(ReadOnlySpan<byte> text, Span<byte> digits, ReadOnlySpan<byte> separators)
    {
        var count = 0;
        foreach (var b in text)
        {
            if (IsDigit(b))
            {
                if (count == digits.Length)
                {
                    return -1;
                }

                digits[count++] = (byte)(b - '0');
            }
            else if (separators.IndexOf(b) < 0)
            {
                return -1;
            }
        }

        return count;
    }

    /// <summary>Parses 1 to 9 ASCII digits; -1 when <paramref name="text"/> is empty, too long or not all digits.</summary>
    public static int ParseInt(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text.Length > 9)
        {
            return -1;
        }

        var value = 0;
        foreach (var b in text)
        {
            if (!IsDigit(b))
            {
                return -1;
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }

    public static bool AllSame(ReadOnlySpan<byte> values) => values.Length > 0 && !values.ContainsAnyExcept(values[0]);
}
