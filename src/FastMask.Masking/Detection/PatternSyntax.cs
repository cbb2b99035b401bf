using System.Text.RegularExpressions;

namespace FastMask.Masking.Detection;

/// <summary>
/// Checks that a custom detector expression stays in the subset Hyperscan and .NET <see cref="Regex"/> share
/// and match identically, so a policy behaves the same whichever engine runs it.
/// </summary>
/// <remarks>
/// Hyperscan (in UTF-8 mode) has no lookarounds, backreferences or lazy quantifiers and reports every match end (the
/// longest wins); .NET matches UTF-16 code units, so a character outside the BMP counts twice, and reads <c>\d</c>,
/// <c>\w</c>, <c>\s</c> as Unicode classes.
/// Anything whose meaning differs between the two is refused with the reason and the fix.
/// </remarks>
public static class PatternSyntax
{
    /// <summary>Returns null when <paramref name="expression"/> is usable as a detector pattern, else why not.</summary>
    public static string? Validate(string expression)
    {
        if (string.IsNullOrEmpty(expression))
        {
            return "the pattern is empty";
        }

        // The subset check comes first: it names the construct (a backreference) where .NET's parser, with
        // explicit capture on, would only say that a group number is undefined.
        var reason = CheckSharedSubset(expression);
        if (reason is not null)
        {
            return reason;
        }

        Regex regex;
        try
        {
            regex = new Regex(expression, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, RegexScanner.CustomPatternTimeout);
        }
        catch (ArgumentException e)
        {
            return $"not a valid regular expression: {e.Message}";
        }

        return regex.IsMatch(string.Empty) ? "the pattern matches the empty string: every position would be a match" : null;
    }

    private static string? CheckSharedSubset(string p)
    {
        var inClass = false;
        var negatedClass = false;
        var classContentStart = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            var next = i + 1 < p.Length ? p[i + 1] : '\0';
            if (c > 0x7F)
            {
                return "non-ASCII characters are not supported: the engines differ on their case and on characters outside the BMP; write the pattern in ASCII";
            }

            if (c == '\\')
            {
                var reason = CheckEscape(p, i, inClass);
                if (reason is not null)
                {
                    return reason;
                }

                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']' && i > classContentStart)
                {
                    inClass = false;
                    if (negatedClass && !IsUnboundedRepeat(p, i + 1))
                    {
                        return "a negated class must be repeated with * or +: .NET counts UTF-16 code units and Hyperscan whole characters, so bounded counts differ on emoji";
                    }
                }
                else if (c == '[' && next == ':')
                {
                    return "POSIX classes such as [:alpha:] are not supported: .NET reads them as single characters; list the range, e.g. [A-Za-z]";
                }
                else if (c == '-' && next == '[')
                {
                    return "class subtraction ([a-z-[aeiou]]) is not supported: Hyperscan has none";
                }

                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    negatedClass = next == '^';
                    classContentStart = negatedClass ? i + 2 : i + 1;
                    break;
                case '(' when next == '?':
                    var group = CheckGroup(p, i + 2);
                    if (group is not null)
                    {
                        return group;
                    }

                    i++;
                    break;
                case '.' when !IsUnboundedRepeat(p, i + 1):
                    return "'.' must be repeated with * or +: .NET counts UTF-16 code units and Hyperscan whole characters, so bounded counts differ on emoji; use an explicit class such as [A-Za-z0-9]";
                case '*' or '+' or '?' or '}' when next == '?':
                    return "lazy quantifiers are not supported: Hyperscan reports every match end and the longest match wins";
            }
        }

        return null;
    }

    private static string? CheckEscape(string p, int i, bool inClass)
    {
        var e = i + 1 < p.Length ? p[i + 1] : '\0';
        switch (e)
        {
            case 'd' or 'D':
                return "use [0-9] instead of \\d: the engines disagree on non-ASCII digits";
            case 'w' or 'W':
                return "use [A-Za-z0-9_] instead of \\w: the engines disagree on non-ASCII letters";
            case 's' or 'S':
                return "use an explicit class such as [ \\t\\r\\n] instead of \\s: the engines disagree on non-ASCII white space";
            case 'b' or 'B' when !inClass:
                return "word boundaries (\\b, \\B) are not supported: set the detector's left and right boundaries instead";
            case >= '1' and <= '9':
            case 'k':
                return "backreferences are not supported: Hyperscan has none";
            case 'p' or 'P':
                return "Unicode categories (\\p{...}) are not supported: the engines' Unicode tables differ; use an explicit ASCII class";
            case 'G':
                return "\\G is not supported: Hyperscan has no previous-match anchor";
            case 'u':
                return "\\u escapes are not supported: write ASCII characters, or \\xHH below \\x80";
            case 'v':
                return "\\v is not supported: it is one character in .NET and a class of vertical white space in Hyperscan; write \\x0B";
            case 'x':
                if (i + 3 < p.Length && int.TryParse(p.AsSpan(i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var value) && value >= 0x80)
                {
                    return "characters above \\x7F are not supported: write the pattern in ASCII";
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Checks the construct after <c>(?</c> starting at <paramref name="j"/>.</summary>
    private static string? CheckGroup(string p, int j)
    {
        var c = j < p.Length ? p[j] : '\0';
        var d = j + 1 < p.Length ? p[j + 1] : '\0';
        return c switch
        {
            ':' => null,
            '=' or '!' => "lookarounds are not supported: Hyperscan has none; set the detector's boundaries or context keywords instead",
            '<' when d is '=' or '!' => "lookarounds are not supported: Hyperscan has none; set the detector's boundaries or context keywords instead",
            '<' or '\'' or 'P' => "named groups are not supported: use (...), groups only group",
            '>' => "atomic groups are not supported: Hyperscan has none",
            '(' => "conditionals are not supported: Hyperscan has none",
            '#' => "inline comments are not supported",
            _ => "inline options such as (?i) are not supported: set the detector's caseInsensitive flag instead",
        };
    }

    private static bool IsUnboundedRepeat(string p, int i) =>
        i < p.Length && p[i] is '*' or '+' && !(i + 1 < p.Length && p[i + 1] == '?');
}
