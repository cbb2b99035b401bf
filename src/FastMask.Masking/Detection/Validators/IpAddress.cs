namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// IP addresses parsed on the bytes: dotted IPv4, and IPv6 (RFC 4291 text form) with <c>::</c> compression
/// and an embedded IPv4 tail. Shapes that parse but are seldom addresses in prose are rejected: IPv4 with a
/// first octet of 0 (version strings such as 0.9.1.2), and compressed IPv6 with fewer than two groups or no
/// group of three or more hex digits (<c>::</c>, <c>::1</c>, <c>a::b</c>, <c>x[1::2]</c> slices).
/// </summary>
internal static class IpAddress
{
    public static bool IsValid(ReadOnlySpan<byte> text) =>
        text.Contains((byte)':') ? IsValidV6(text) : IsValidV4(text, rejectZeroFirst: true);

    public static bool IsValidV4(ReadOnlySpan<byte> text, bool rejectZeroFirst)
    {
        var parts = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                continue;
            }

            var part = text[start..i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = Digits.ParseInt(part);
            if (value is < 0 or > 255 || (parts == 0 && value == 0 && rejectZeroFirst))
            {
                return false;
            }

            parts++;
            start = i + 1;
        }

        return parts == 4;
    }

    public static bool IsValidV6(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 2 or > 45)
        {
            return false;
        }

        var groups = 0;
        var longest = 0;
        var compressed = false;
        var embeddedV4 = false;
        var i = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':')
            {
                return false;
            }

            compressed = true;
            i = 2;
        }

        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && Digits.IsHex(text[i]))
            {
                i++;
            }

            var length = i - start;
            if (i < text.Length && text[i] == '.')
            {
                if (!IsValidV4(text[start..], rejectZeroFirst: false))
                {
                    return false;
                }

                groups += 2;
                embeddedV4 = true;
                break;
            }

            if (length is 0 or > 4)
            {
                return false;
            }

            groups++;
            longest = Math.Max(longest, length);
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != ':')
            {
                return false;
            }

            i++;
            if (i < text.Length && text[i] == ':')
            {
                if (compressed)
                {
                    return false;
                }

                compressed = true;
                i++;
            }
            else if (i == text.Length)
            {
                return false;
            }
        }

        if (!compressed)
        {
            return groups == 8;
        }

        return groups <= 7 && (embeddedV4 || (groups >= 2 && longest >= 3));
    }
}
