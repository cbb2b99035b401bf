namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// MAC addresses: six hex pairs with one separator throughout (':' or '-'), or Cisco's three dotted quads.
/// The all-zero and broadcast addresses identify no device; a dotted form without a hex letter is more likely
/// a number (2024.0101.1234) than an address.
/// </summary>
internal static class MacAddress
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        Span<byte> nibbles = stackalloc byte[12];
        var count = 0;
        var letters = false;
        byte separator = 0;
        foreach (var b in text)
        {
            if (Digits.IsHex(b))
            {
                if (count == nibbles.Length)
                {
                    return false;
                }

                letters |= !Digits.IsDigit(b);
                nibbles[count++] = (byte)Digits.HexValue(b);
            }
            else if (separator == 0)
            {
                separator = b;
            }
            else if (b != separator)
            {
                return false;
            }
        }

        if (count != 12 || nibbles.IndexOfAnyExcept((byte)0) < 0 || nibbles.IndexOfAnyExcept((byte)15) < 0)
        {
            return false;
        }

        return text.Length switch
        {
            17 => separator is (byte)':' or (byte)'-' && HasSeparatorsAt(text, separator, 3),
            14 => separator == '.' && letters && HasSeparatorsAt(text, separator, 5),
            _ => false,
        };
    }

    private static bool HasSeparatorsAt(ReadOnlySpan<byte> text, byte separator, int stride)
    {
        for (var i = stride - 1; i < text.Length; i += stride)
        {
            if (text[i] != separator)
            {
                return false;
            }
        }

        return true;
    }
}
