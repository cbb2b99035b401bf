namespace FastMask.Masking.Detection.Validators;

/// <summary>NHS numbers: ten digits whose last is the modulus 11 check digit of the first nine (weights 10 to 2).</summary>
internal static class UkNhs
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        Span<byte> d = stackalloc byte[10];
        if (Digits.Collect(text, d, " -"u8) != 10 || Digits.AllSame(d))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += d[i] * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == d[9];
    }
}
