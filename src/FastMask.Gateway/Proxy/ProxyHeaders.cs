using System.Buffers;
using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FastMask.Gateway.Proxy;

/// <summary>Header copying in both directions, with the gateway's hygiene rules.</summary>
internal static class ProxyHeaders
{
    public const string RequestId = "X-Request-Id";

    /// <summary>Longest caller-supplied request id that is propagated; a longer or odd one is replaced.</summary>
    public const int MaxRequestIdLength = 128;

    private static readonly SearchValues<char> s_requestIdChars =
        SearchValues.Create("-._:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>The caller's <c>X-Request-Id</c> when it is a plain identifier; otherwise a new random one.</summary>
    public static string GetOrCreateRequestId(StringValues incoming)
    {
        if (incoming.Count == 1 && incoming[0] is { Length: > 0 and <= MaxRequestIdLength } id && !id.AsSpan().ContainsAnyExcept(s_requestIdChars))
        {
            return id;
        }

        return NewRequestId();
    }

    /// <summary>
    /// 128 random bits as 32 lowercase hex digits. A request id only has to be unique, not secret: the thread-local
    /// generator behind <see cref="Random.Shared"/> (seeded from the OS once) costs no system call, unlike
    /// <see cref="Guid.NewGuid"/>, which reads the kernel's random source on every call.
    /// </summary>
    public static string NewRequestId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
    }

    /// <summary>
    /// Copies the caller's headers that may reach the upstream: not hop-by-hop (nor listed in <c>Connection</c>), not a
    /// caller credential, not one the gateway sets itself, not stripped by config, and not describing the body's bytes
    /// unless the body passes through unchanged. Content headers go on <paramref name="content"/> when there is a
    /// body, and are dropped otherwise.
    /// </summary>
    public static void CopyRequestHeaders(HttpRequest request, HttpRequestMessage message, HttpContent? content, RouteRuntime route, bool bodyUnchanged)
    {
        var connection = request.Headers.Connection.ToString();
        foreach (var header in request.Headers)
        {
            var name = header.Key;
            var rule = HttpHeaderRules.Classify(name);
            if (name.Length == 0
                || name[0] == ':'
                || (rule & (HeaderRule.HopByHop | HeaderRule.CallerCredential)) != 0
                || (route.StripHeaders.Count > 0 && route.StripHeaders.Contains(name))
                || (connection.Length > 0 && HttpHeaderRules.IsListedIn(connection, name))
                || ((rule & HeaderRule.DescribesBody) != 0 && (!bodyUnchanged || (rule & HeaderRule.ContentLength) != 0)))
            {
                continue;
            }

            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (content is not null)
                {
                    Add(content.Headers, name, header.Value);
                }

                continue;
            }

            if ((rule & HeaderRule.Managed) != 0)
            {
                continue;
            }

            Add(message.Headers, name, header.Value);
        }
    }

    /// <summary>
    /// Sets <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c>. From a peer in <paramref name="trustedProxies"/> the
    /// caller's values are kept and the peer's address is appended to the chain, and the other client-describing
    /// headers (<see cref="HttpHeaderRules.ClientAddressHeaders"/>) pass; from any other peer (or with no trusted
    /// proxies) they describe the connection the gateway itself accepted, whatever the caller sent.
    /// </summary>
    public static void AddForwarded(HttpRequestHeaders headers, HttpRequest request, IPAddress? peer, ImmutableArray<IPNetwork> trustedProxies)
    {
        var trusted = peer is not null && IsTrusted(peer, trustedProxies);
        if (peer is not null)
        {
            var chain = trusted ? request.Headers["X-Forwarded-For"].ToString() : "";
            var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4().ToString() : peer.ToString();
            headers.TryAddWithoutValidation("X-Forwarded-For", string.IsNullOrWhiteSpace(chain) ? address : chain + ", " + address);
        }

        if (trusted)
        {
            foreach (var name in HttpHeaderRules.ClientAddressHeaders)
            {
                if (request.Headers.TryGetValue(name, out var values))
                {
                    headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
                }
            }
        }

        var proto = trusted ? request.Headers["X-Forwarded-Proto"].ToString() : "";
        headers.TryAddWithoutValidation("X-Forwarded-Proto", string.IsNullOrWhiteSpace(proto) ? request.Scheme : proto);
        var host = trusted ? request.Headers["X-Forwarded-Host"].ToString() : "";
        if (!string.IsNullOrWhiteSpace(host))
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        }
        else if (request.Host.HasValue)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        }
    }

    private static bool IsTrusted(IPAddress peer, ImmutableArray<IPNetwork> trustedProxies)
    {
        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Copies the upstream's response headers to the caller, except hop-by-hop ones and those describing a body the
    /// gateway re-encodes (length, encoding, digests), unless the body passes through unchanged.
    /// </summary>
    public static void CopyResponseHeaders(HttpResponseMessage upstream, HttpResponse response, bool bodyUnchanged)
    {
        var connection = upstream.Headers.NonValidated.TryGetValues("Connection", out var connectionValues) ? connectionValues.ToString() : "";
        foreach (var header in upstream.Headers.NonValidated)
        {
            CopyResponseHeader(header.Key, header.Value, response, connection, bodyUnchanged);
        }

        foreach (var header in upstream.Content.Headers.NonValidated)
        {
            CopyResponseHeader(header.Key, header.Value, response, connection, bodyUnchanged);
        }
    }

    private static void CopyResponseHeader(string name, HeaderStringValues values, HttpResponse response, string connection, bool bodyUnchanged)
    {
        var rule = HttpHeaderRules.Classify(name);
        if ((rule & HeaderRule.HopByHop) != 0
            || (connection.Length > 0 && HttpHeaderRules.IsListedIn(connection, name))
            || string.Equals(name, RequestId, StringComparison.OrdinalIgnoreCase)
            || (!bodyUnchanged && (rule & HeaderRule.DescribesBody) != 0))
        {
            return;
        }

        if (values.Count == 1)
        {
            response.Headers[name] = values.ToString();
            return;
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        response.Headers[name] = array;
    }

    private static void Add(HttpHeaders headers, string name, StringValues value)
    {
        if (value.Count == 1)
        {
            headers.TryAddWithoutValidation(name, value.ToString());
        }
        else
        {
            headers.TryAddWithoutValidation(name, value.ToArray());
        }
    }
}
