using System.Buffers;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// The bytes a pattern's matches can contain, read off its expression (literals and character classes). Every match
/// lies inside a run of such bytes, so the start of a match ending at <c>e</c> is never before the run that holds
/// <c>e</c>: that bounds how far back a scanner must look for it, even for patterns of unbounded width.
/// </summary>
internal static class PatternAlphabet
{
    /// <summary>
    /// Computes the alphabet, or returns null when the expression can match bytes it does not spell out (a dot,
    /// a negated class, a class escape such as <c>\w</c>, an assertion or a construct this reader does not know).
    /// </summary>
    public static SearchValues<byte>? TryCompute(string expression, bool caseInsensitive)
    {
        var set = new bool[256];
        var i = 0;
        if (expression.StartsWith("(?i)", StringComparison.Ordinal))
        {
            caseInsensitive = true;
            i = 4;
        }

        while (i < expression.Length)
        {
            var c = expression[i];
            switch (c)
            {
                case '(':
                    i++;
                    if (i < expression.Length && expression[i] == '?')
                    {
                        if (i + 1 < expression.Length && expression[i + 1] == ':')
                        {
                            i += 2;
                            break;
                        }

                        return null;
                    }

                    break;
                case ')' or '|' or '?' or '*' or '+':
                    i++;
                    break;
                case '{':
                    var close = expression.IndexOf('}', i);
                    if (close < 0)
                    {
                        return null;
                    }

                    i = close + 1;
                    break;
                case '[':
                    if (!ReadClass(expression, ref i, set))
                    {
                        return null;
                    }

                    break;
                case '.' or '^' or '$':
                    return null;
                default:
                    if (!ReadChar(expression, ref i, out var ch))
                    {
                        return null;
                    }

                    Add(set, ch, ch);
                    break;
            }
        }

        if (caseInsensitive)
        {
            for (var b = 'a'; b <= 'z'; b++)
            {
                var upper = (char)(b - 32);
                if (set[b] || set[upper])
                {
                    set[b] = set[upper] = true;
                }
            }
        }

        var bytes = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (set[b])
            {
                bytes.Add((byte)b);
            }
        }

        return SearchValues.Create(bytes.ToArray());
    }

    private static bool ReadClass(string expression, ref int i, bool[] set)
    {
        i++;
        if (i < expression.Length && expression[i] == '^')
        {
            return false;
        }

        var first = true;
        while (i < expression.Length && (expression[i] != ']' || first))
        {
            first = false;
            if (!ReadChar(expression, ref i, out var low))
            {
                return false;
            }

            var high = low;
            if (i + 1 < expression.Length && expression[i] == '-' && expression[i + 1] != ']')
            {
                i++;
                if (!ReadChar(expression, ref i, out high) || high < low)
                {
                    return false;
                }
            }

            Add(set, low, high);
        }

        if (i >= expression.Length)
        {
            return false;
        }

        i++;
        return true;
    }

    /// <summary>One literal character, escaped or not; false for escapes that stand for a class or an assertion.</summary>
    private static bool ReadChar(string expression, ref int i, out char c)
    {
        c = expression[i++];
        if (c != '\\')
        {
            return true;
        }

        if (i >= expression.Length)
        {
            return false;
        }

        var e = expression[i++];
        switch (e)
        {
            case 't':
                c = '\t';
                return true;
            case 'n':
                c = '\n';
                return true;
            case 'r':
                c = '\r';
                return true;
            case 'f':
                c = '\f';
                return true;
            case 'v':
                c = '\v';
                return true;
            case 'x':
                if (i + 2 <= expression.Length && byte.TryParse(expression.AsSpan(i, 2), System.Globalization.NumberStyles.HexNumber, null, out var value))
                {
                    i += 2;
                    c = (char)value;
                    return true;
                }

                return false;
            default:
                // An escaped punctuation character stands for itself; an escaped letter or digit is a class,
                // an assertion or a backreference.
                c = e;
                return !char.IsAsciiLetterOrDigit(e);
        }
    }

    private static void Add(bool[] set, char low, char high)
    {
        for (var ch = low; ch <= high; ch++)
        {
            if (ch < 0x80)
            {
                set[ch] = true;
            }
            else
            {
                // A non-ASCII character: its UTF-8 bytes. A range of them is taken as every non-ASCII byte.
                if (high - low > 0)
                {
                    for (var b = 0x80; b < 256; b++)
                    {
                        set[b] = true;
                    }

                    return;
                }

                foreach (var b in Encoding.UTF8.GetBytes(ch.ToString()))
                {
                    set[b] = true;
                }
            }

            if (ch == char.MaxValue)
            {
                break;
            }
        }
    }
}
