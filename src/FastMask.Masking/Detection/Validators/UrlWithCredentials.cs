namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// URLs carrying credentials (<c>scheme://user:password@host</c>): non-empty user, password and host. A
/// password already masked as asterisks is not a credential any more.
/// </summary>
internal static class UrlWithCredentials
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        var scheme = text.IndexOf("://"u8);
        if (scheme <= 0)
        {
            return false;
        }

        var rest = text[(scheme + 3)..];
        var at = rest.IndexOf((byte)'@');
        if (at < 0)
        {
            return false;
        }

        var userInfo = rest[..at];
        var colon = userInfo.IndexOf((byte)':');
        if (colon <= 0 || colon == userInfo.Length - 1)
        {
            return false;
        }

        var password = userInfo[(colon + 1)..];
        var host = rest[(at + 1)..];
        return password.ContainsAnyExcept((byte)'*') && host.Length > 0 && host[0] != ':';
    }
}
