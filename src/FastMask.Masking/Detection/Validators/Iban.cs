namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// International Bank Account Numbers (ISO 13616), compact or in blocks of four: the country's registered
/// length, check digits 02-98 and the mod-97 check over the rearranged number.
/// </summary>
internal static class Iban
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        Span<byte> iban = stackalloc byte[34];
        var length = 0;
        foreach (var b in text)
        {
            if (b == ' ')
            {
                continue;
            }

            if (length == iban.Length || !(Digits.IsDigit(b) || (uint)(b - 'A') <= 'Z' - 'A'))
            {
                return false;
            }

            iban[length++] = b;
        }

        if (length < 15 || CountryLength(iban[0], iban[1]) != length)
        {
            return false;
        }

        var checkDigits = Digits.ParseInt(iban.Slice(2, 2));
        if (checkDigits is < 2 or > 98)
        {
            return false;
        }

        // Move the country code and check digits to the end, read letters as 10-35, reduce mod 97 as we go.
        var remainder = 0;
        for (var i = 0; i < length; i++)
        {
            var b = iban[(i + 4) % length];
            remainder = Digits.IsDigit(b)
                ? ((remainder * 10) + (b - '0')) % 97
                : ((remainder * 100) + (b - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }

    /// <summary>IBAN length by country (SWIFT IBAN registry); 0 for a country without IBANs.</summary>
    public static int CountryLength(byte first, byte second) => (first << 8 | second) switch
    {
        ('A' << 8) | 'D' => 24,
        ('A' << 8) | 'E' => 23,
        ('A' << 8) | 'L' => 28,
        ('A' << 8) | 'T' => 20,
        ('A' << 8) | 'Z' => 28,
        ('B' << 8) | 'A' => 20,
        ('B' << 8) | 'E' => 16,
        ('B' << 8) | 'G' => 22,
        ('B' << 8) | 'H' => 22,
        ('B' << 8) | 'I' => 27,
        ('B' << 8) | 'R' => 29,
        ('B' << 8) | 'Y' => 28,
        ('C' << 8) | 'H' => 21,
        ('C' << 8) | 'R' => 22,
        ('C' << 8) | 'Y' => 28,
        ('C' << 8) | 'Z' => 24,
        ('D' << 8) | 'E' => 22,
        ('D' << 8) | 'J' => 27,
        ('D' << 8) | 'K' => 18,
        ('D' << 8) | 'O' => 28,
        ('E' << 8) | 'E' => 20,
        ('E' << 8) | 'G' => 29,
        ('E' << 8) | 'S' => 24,
        ('F' << 8) | 'I' => 18,
        ('F' << 8) | 'K' => 18,
        ('F' << 8) | 'O' => 18,
        ('F' << 8) | 'R' => 27,
        ('G' << 8) | 'B' => 22,
        ('G' << 8) | 'E' => 22,
        ('G' << 8) | 'I' => 23,
        ('G' << 8) | 'L' => 18,
        ('G' << 8) | 'R' => 27,
        ('G' << 8) | 'T' => 28,
        ('H' << 8) | 'N' => 28,
        ('H' << 8) | 'R' => 21,
        ('H' << 8) | 'U' => 28,
        ('I' << 8) | 'E' => 22,
        ('I' << 8) | 'L' => 23,
        ('I' << 8) | 'Q' => 23,
        ('I' << 8) | 'S' => 26,
        ('I' << 8) | 'T' => 27,
        ('J' << 8) | 'O' => 30,
        ('K' << 8) | 'W' => 30,
        ('K' << 8) | 'Z' => 20,
        ('L' << 8) | 'B' => 28,
        ('L' << 8) | 'C' => 32,
        ('L' << 8) | 'I' => 21,
        ('L' << 8) | 'T' => 20,
        ('L' << 8) | 'U' => 20,
        ('L' << 8) | 'V' => 21,
        ('L' << 8) | 'Y' => 25,
        ('M' << 8) | 'C' => 27,
        ('M' << 8) | 'D' => 24,
        ('M' << 8) | 'E' => 22,
        ('M' << 8) | 'K' => 19,
        ('M' << 8) | 'N' => 20,
        ('M' << 8) | 'R' => 27,
        ('M' << 8) | 'T' => 31,
        ('M' << 8) | 'U' => 30,
        ('N' << 8) | 'I' => 28,
        ('N' << 8) | 'L' => 18,
        ('N' << 8) | 'O' => 15,
        ('O' << 8) | 'M' => 23,
        ('P' << 8) | 'K' => 24,
        ('P' << 8) | 'L' => 28,
        ('P' << 8) | 'S' => 29,
        ('P' << 8) | 'T' => 25,
        ('Q' << 8) | 'A' => 29,
        ('R' << 8) | 'O' => 24,
        ('R' << 8) | 'S' => 22,
        ('R' << 8) | 'U' => 33,
        ('S' << 8) | 'A' => 24,
        ('S' << 8) | 'C' => 31,
        ('S' << 8) | 'D' => 18,
        ('S' << 8) | 'E' => 24,
        ('S' << 8) | 'I' => 19,
        ('S' << 8) | 'K' => 24,
        ('S' << 8) | 'M' => 27,
        ('S' << 8) | 'O' => 23,
        ('S' << 8) | 'T' => 25,
        ('S' << 8) | 'V' => 28,
        ('T' << 8) | 'L' => 23,
        ('T' << 8) | 'N' => 24,
        ('T' << 8) | 'R' => 26,
        ('U' << 8) | 'A' => 29,
        ('V' << 8) | 'A' => 22,
        ('V' << 8) | 'G' => 24,
        ('X' << 8) | 'K' => 20,
        ('Y' << 8) | 'E' => 30,
        _ => 0,
    };
}
