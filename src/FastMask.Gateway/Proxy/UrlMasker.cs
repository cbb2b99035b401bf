using System.Buffers;
using System.Text;
using FastMask.Masking;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// Masks what a request URL carries before it goes upstream: every path segment, and every query parameter as
/// <c>name=value</c> (so the name is context for its value, as a JSON key is), are masked by the request rules as a
/// string value of the body is. An address in <c>/v1/users/jane@example.com</c> or <c>?ssn=123456789</c> never reaches
/// the upstream either.
/// </summary>
/// <remarks>
/// A part is scanned the way the furthest-decoding reader would see it: percent-decoded until it no longer changes
/// (at most <see cref="MaxDecodeRounds"/> times, so <c>%2540</c> is an <c>@</c> too), and for the query once with
/// <c>+</c> as a space (form encoding) and once as a plus (RFC 3986). A part with a change is sent fully
/// percent-encoded, so every reader decodes it to the masked text and a placeholder cannot add a <c>/</c> or <c>&amp;</c>;
/// parts without a change keep their original encoding byte for byte.
/// </remarks>
internal static class UrlMasker
{
    private const int MaxDecodeRounds = 3;

    /// <summary>
    /// The path and query to send upstream, masked. Returns <see cref="MaskStatus.DetectorFailure"/> (and no URL) when
    /// a part could not be scanned.
    /// </summary>
    public static MaskStatus Mask(MaskContext exchange, PathString path, QueryString query, out string pathAndQuery)
    {
        pathAndQuery = "";
        var encodedPath = path.ToUriComponent();
        var encodedQuery = query.ToUriComponent();
        if (exchange.Policy.Detector.Definitions.IsEmpty)
        {
            // Field rules address JSON values; without detectors nothing in a URL can be masked.
            pathAndQuery = encodedPath + encodedQuery;
            return MaskStatus.Ok;
        }

        using var scratch = new PooledBufferWriter(256);

        // Kestrel has decoded the path once, all but %2F; encoding adds or removes no '/', so the decoded and the encoded
        // path have the same segments.
        var decoded = (path.Value ?? "").Split('/');
        var encoded = encodedPath.Split('/');
        var pathChanged = false;
        for (var i = 0; i < decoded.Length && i < encoded.Length; i++)
        {
            var status = MaskPart(exchange, FullyDecode(decoded[i], plusIsSpace: false), scratch, out var masked);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            if (masked is not null)
            {
                encoded[i] = Uri.EscapeDataString(masked);
                pathChanged = true;
            }
        }

        if (pathChanged)
        {
            encodedPath = string.Join('/', encoded);
        }

        if (query.Value is { Length: > 1 } raw)
        {
            var status = MaskQuery(exchange, raw, scratch, out var rewritten);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            encodedQuery = rewritten ?? encodedQuery;
        }

        pathAndQuery = encodedPath + encodedQuery;
        return MaskStatus.Ok;
    }

    /// <summary>Masks each parameter of a raw query (<c>?a=b&amp;c</c>); <paramref name="rewritten"/> is null when nothing changed.</summary>
    private static MaskStatus MaskQuery(MaskContext exchange, string raw, PooledBufferWriter scratch, out string? rewritten)
    {
        rewritten = null;
        var parts = raw[1..].Split('&');
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                continue;
            }

            // Read with '+' as a space first (form encoding, what most frameworks do), then as a plus.
            var status = MaskPart(exchange, FullyDecode(part, plusIsSpace: true), scratch, out var masked);
            if (status == MaskStatus.Ok && masked is null && part.Contains('+', StringComparison.Ordinal))
            {
                status = MaskPart(exchange, FullyDecode(part, plusIsSpace: false), scratch, out masked);
            }

            if (status != MaskStatus.Ok)
            {
                return status;
            }

            if (masked is not null)
            {
                // The name and the value are encoded apart; a match that took the '=' leaves one name-only part.
                var equals = masked.IndexOf('=', StringComparison.Ordinal);
                parts[i] = equals < 0
                    ? Uri.EscapeDataString(masked)
                    : Uri.EscapeDataString(masked[..equals]) + "=" + Uri.EscapeDataString(masked[(equals + 1)..]);
                changed = true;
            }
        }

        if (changed)
        {
            rewritten = "?" + string.Join('&', parts);
        }

        return MaskStatus.Ok;
    }

    /// <summary>Percent-decodes <paramref name="text"/> until it stops changing (bounded), optionally reading '+' as a space.</summary>
    internal static string FullyDecode(string text, bool plusIsSpace)
    {
        var current = plusIsSpace ? text.Replace('+', ' ') : text;
        for (var round = 0; round < MaxDecodeRounds && current.Contains('%', StringComparison.Ordinal); round++)
        {
            var next = Uri.UnescapeDataString(current);
            if (next == current)
            {
                break;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Masks one decoded part; <paramref name="masked"/> is null when nothing changed.</summary>
    private static MaskStatus MaskPart(MaskContext exchange, string part, PooledBufferWriter scratch, out string? masked)
    {
        masked = null;
        if (part.Length == 0)
        {
            return MaskStatus.Ok;
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(part.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(part, utf8);
            scratch.Clear();
            var status = TextMasker.Mask(exchange, MaskDirection.Request, utf8.AsSpan(0, length), scratch, out var changed);
            if (status == MaskStatus.Ok && changed)
            {
                masked = Encoding.UTF8.GetString(scratch.WrittenSpan);
            }

            return status;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
