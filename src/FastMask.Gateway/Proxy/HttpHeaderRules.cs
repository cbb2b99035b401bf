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

    /// <summary>Client-describing headers besides X-Forwarded-For/-Proto/-Host: kept from a trusted proxy, else dropped.</summary>
    public static readonly string[] ClientAddressHeaders =
        ["Forwarded", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Real-IP", "True-Client-IP", "X-Client-IP"];

    /// <summary>
    /// Headers the gateway writes itself on the upstream request (the caller's values are replaced), and the other
    /// headers that tell an upstream who the client is, which only a trusted proxy may pass on
    /// (<see cref="ClientAddressHeaders"/>).
    /// </summary>
    private static readonly FrozenSet<string> s_managed = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        ["Host", "Content-Length", "Content-Encoding", "Accept-Encoding", "Expect", "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "X-Request-Id", .. ClientAddressHeaders]);


    /// <summary>Headers that describe the exact bytes of a body: wrong once the gateway has masked (or decoded) it.</summary>
    private static readonly FrozenSet<string> s_bodyDescriptors = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Content-Length", "Content-Encoding", "Content-MD5", "Digest", "Repr-Digest", "Content-Digest", "ETag");

    public static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && !value.AsSpan().ContainsAnyExcept(s_tokenChars);

    /// <summary>Every rule above by header name: the request path classifies each header with one lookup.</summary>
    private static readonly FrozenDictionary<string, HeaderRule> s_rules = BuildRules();

    public static bool IsHopByHop(string name) => s_hopByHop.Contains(name);

    public static bool IsCallerCredential(string name) => s_callerCredentials.Contains(name);

    public static bool IsManagedByGateway(string name) => s_managed.Contains(name);

    public static bool DescribesBody(string name) => s_bodyDescriptors.Contains(name);

    public static bool IsContentLength(string name) => string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the rules say about <paramref name="name"/>; <see cref="HeaderRule.None"/> for most headers.</summary>
    public static HeaderRule Classify(string name) => s_rules.GetValueOrDefault(name);

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

    private static FrozenDictionary<string, HeaderRule> BuildRules()
    {
        var rules = new Dictionary<string, HeaderRule>(StringComparer.OrdinalIgnoreCase);
        Add(rules, s_hopByHop, HeaderRule.HopByHop);
        Add(rules, s_callerCredentials, HeaderRule.CallerCredential);
        Add(rules, s_managed, HeaderRule.Managed);
        Add(rules, s_bodyDescriptors, HeaderRule.DescribesBody);
        rules["Content-Length"] |= HeaderRule.ContentLength;
        return rules.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        static void Add(Dictionary<string, HeaderRule> rules, FrozenSet<string> names, HeaderRule rule)
        {
            foreach (var name in names)
            {
                rules[name] = rules.GetValueOrDefault(name) | rule;
            }
        }
    }
}

/// <summary>The rules that apply to one header name (see <see cref="HttpHeaderRules"/>).</summary>
[Flags]
internal enum HeaderRule
{
    None = 0,
    HopByHop = 1,
    CallerCredential = 2,
    Managed = 4,
    DescribesBody = 8,
    ContentLength = 16,
}
