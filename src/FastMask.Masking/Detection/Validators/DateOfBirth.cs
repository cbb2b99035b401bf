namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// Calendar dates as birth dates are written: ISO (1990-05-17, 1990/5/17), numeric day and month in either order
/// (05/17/1990, 17.05.1990), and with an English month name (May 17, 1990; 17 May 1990). The date must exist and
/// the year lie in 1900-2099.
/// </summary>
internal static class DateOfBirth
{
    private static readonly string[] s_months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        return Digits.IsLetter(text[0]) ? IsValidMonthFirst(text) : IsValidNumericOrDayFirst(text);
    }

    public static bool IsValidDate(int year, int month, int day) =>
        year is >= 1900 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    // "May 17, 1990", "Sept. 5 1990"
    private static bool IsValidMonthFirst(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (i < text.Length && Digits.IsLetter(text[i]))
        {
            i++;
        }

        var month = MonthNumber(text[..i]);
        var day = ReadNumber(text, ref i, " .,"u8);
        var year = ReadNumber(text, ref i, " ,"u8);
        return month > 0 && i == text.Length && IsValidDate(year, month, day);
    }

    private static bool IsValidNumericOrDayFirst(ReadOnlySpan<byte> text)
    {
        var i = 0;
        var first = ReadNumber(text, ref i, default);
        if (i >= text.Length)
        {
            return false;
        }

        var separator = text[i];
        if (separator == ' ')
        {
            // "17 May 1990"
            i++;
            var start = i;
            while (i < text.Length && Digits.IsLetter(text[i]))
            {
                i++;
            }

            var month = MonthNumber(text[start..i]);
            var year = ReadNumber(text, ref i, " .,"u8);
            return month > 0 && i == text.Length && IsValidDate(year, month, first);
        }

        var firstLength = i;
        i++;
        var second = ReadNumber(text, ref i, default);
        if (i >= text.Length || text[i] != separator)
        {
            return false;
        }

        i++;
        var thirdStart = i;
        var third = ReadNumber(text, ref i, default);
        if (i != text.Length)
        {
            return false;
        }

        if (firstLength == 4)
        {
            return IsValidDate(first, second, third);
        }

        return i - thirdStart == 4 && (IsValidDate(third, first, second) || IsValidDate(third, second, first));
    }

    /// <summary>Skips any of <paramref name="skip"/>, then reads digits; -1 when there are none.</summary>
    private static int ReadNumber(ReadOnlySpan<byte> text, ref int i, ReadOnlySpan<byte> skip)
    {
        while (i < text.Length && skip.IndexOf(text[i]) >= 0)
        {
            i++;
        }

        var start = i;
        while (i < text.Length && i - start < 4 && Digits.IsDigit(text[i]))
        {
            i++;
        }

        return Digits.ParseInt(text[start..i]);
    }

    /// <summary>1-12 when <paramref name="word"/> is at least three letters of an English month name, else 0.</summary>
    private static int MonthNumber(ReadOnlySpan<byte> word)
    {
        if (word.Length < 3)
        {
            return 0;
        }

        for (var m = 0; m < s_months.Length; m++)
        {
            var name = s_months[m];
            if (word.Length > name.Length)
            {
                continue;
            }

            var match = true;
            for (var k = 0; k < word.Length && match; k++)
            {
                match = (word[k] | 0x20) == name[k];
            }

            if (match)
            {
                return m + 1;
            }
        }

        return 0;
    }
}
