namespace FastMask.Masking.Detection.Validators;

/// <summary>Payment card numbers: 13 to 19 digits (spaces or hyphens between groups) passing the Luhn check.</summary>
internal static class Luhn
{
    public static bool IsValidCardNumber(ReadOnlySpan<byte> text)
    {
        Span<byte> digits = stackalloc byte[19];
        var count = Digits.Collect(text, digits, " -"u8);
        return count >= 13 && Check(digits[..count]) && !Digits.AllSame(digits[..count]);
    }

    /// <summary>The Luhn (mod 10) check over digit values 0-9.</summary>
    public static bool Check(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }
}
