namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// E-mail addresses (RFC 5321 limits): local part 1-64 bytes without a leading, trailing or doubled dot; domain
/// at most 253 bytes of labels of 1-63 bytes that neither start nor end with a hyphen. Asset names written with
/// '@' (icon@2x.png) end in an image file extension and are rejected.
/// </summary>
internal static class Email
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        var at = text.IndexOf((byte)'@');
        if (at <= 0)
        {
            return false;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        if (local.Length > 64 || local[0] == '.' || local[^1] == '.' || local.IndexOf(".."u8) >= 0)
        {
            return false;
        }

        if (domain.Length is 0 or > 253)
        {
            return false;
        }

        var start = 0;
        for (var i = 0; i <= domain.Length; i++)
        {
            if (i < domain.Length && domain[i] != '.')
            {
                continue;
            }

            var label = domain[start..i];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            start = i + 1;
        }

        return !IsImageExtension(domain[(domain.LastIndexOf((byte)'.') + 1)..]);
    }

    private static bool IsImageExtension(ReadOnlySpan<byte> tld)
    {
        Span<byte> lower = stackalloc byte[8];
        if (tld.Length > lower.Length)
        {
            return false;
        }

        System.Text.Ascii.ToLower(tld, lower, out var written);
        return lower[..written] switch
        {
            [(byte)'p', (byte)'n', (byte)'g'] => true,
            [(byte)'j', (byte)'p', (byte)'g'] => true,
            [(byte)'j', (byte)'p', (byte)'e', (byte)'g'] => true,
            [(byte)'g', (byte)'i', (byte)'f'] => true,
            [(byte)'s', (byte)'v', (byte)'g'] => true,
            [(byte)'w', (byte)'e', (byte)'b', (byte)'p'] => true,
            [(byte)'a', (byte)'v', (byte)'i', (byte)'f'] => true,
            [(byte)'i', (byte)'c', (byte)'o'] => true,
            [(byte)'b', (byte)'m', (byte)'p'] => true,
            _ => false,
        };
    }
}
