namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// US Social Security numbers as the SSA issues them: area not 000, 666 or 900-999, group not 00, serial not
/// 0000, and not one of the numbers published in advertising (078-05-1120, 219-09-9999).
/// </summary>
internal static class UsSsn
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        Span<byte> d = stackalloc byte[9];
        if (Digits.Collect(text, d, " -"u8) != 9)
        {
            return false;
        }

        var area = (d[0] * 100) + (d[1] * 10) + d[2];
        var group = (d[3] * 10) + d[4];
        var serial = (d[5] * 1000) + (d[6] * 100) + (d[7] * 10) + d[8];
        if (area is 0 or 666 or >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }
}
