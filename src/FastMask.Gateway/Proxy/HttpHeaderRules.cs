using System.Buffers;
using System.Collections.Frozen;

namespace FastMask.Gateway.Proxy;

/// <summary>Which headers cross the gateway, and which never do.</summary>
internal static class HttpHeaderRules
{
    /// <summary>RFC 9110 §5.6.2 token characters.</summary>
    private static readonly SearchValues<char> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Hop-by-hop headers (RFC 9110 §7.6.1 plus the legacy ones every proxy drops).</summary>
    private static readonly FrozenSet<string> s_hopByHop = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "HTTP2-Settings", "Alt-Svc");

    /// <summary>
    /// Caller credentials: the gateway holds the upstream credential, so whatever the caller authenticated with
    /// (to the gateway) is never passed on.
    /// </summary>
    private static readonly FrozenSet<string> s_callerCredentials = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Authorization", "Cookie", "Cookie2", "x-api-key", "api-key", "Proxy-Authorization");

    /// <summary>Headers the gateway writes itself on the upstream request; the caller's values are replaced.</summary>
    private static readonly FrozenSet<string> s_managed = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Host", "Content-Length", "Content-Encoding", "Accept-Encoding", "Expect", "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "Forwarded", "X-Request-Id");

    /// <summary>Headers that describe the exact bytes of a body: wrong once the gateway has masked (or decoded) it.</summary>
    private static readonly FrozenSet<string> s_bodyDescriptors = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Content-Length", "Content-Encoding", "Content-MD5", "Digest", "Repr-Digest", "Content-Digest", "ETag");

    public static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && !value.AsSpan().ContainsAnyExcept(s_tokenChars);

    public static bool IsHopByHop(string name) => s_hopByHop.Contains(name);

    public static bool IsCallerCredential(string name) => s_callerCredentials.Contains(name);

    public static bool IsManagedByGateway(string name) => s_managed.Contains(name);

    public static bool DescribesBody(string name) => s_bodyDescriptors.Contains(name);

    public static bool IsContentLength(string name) => string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="name"/> is listed in a <c>Connection</c> header value (those are hop-by-hop too).</summary>
    public static bool IsListedIn(ReadOnlySpan<char> connectionValue, string name)
    {
        foreach (var range in connectionValue.Split(','))
        {
            if (connectionValue[range].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
