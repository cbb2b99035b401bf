using System.Text;
using FastMask.Masking;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// Masks what a request URL carries before it goes upstream: every path segment and every query parameter name and
/// value is decoded and masked by the request rules as a string value of the body is, so an address in
/// <c>/v1/users/jane@example.com</c> or <c>?email=jane%40example.com</c> never reaches the upstream either. Parts
/// without a change keep their original encoding byte for byte.
/// </summary>
internal static class UrlMasker
{
    /// <summary>
    /// The path and query to send upstream, masked. Returns <see cref="MaskStatus.DetectorFailure"/> (and no URL) when
    /// a part could not be scanned.
    /// </summary>
    public static MaskStatus Mask(MaskContext exchange, PathString path, QueryString query, out string pathAndQuery)
    {
        pathAndQuery = "";
        using var scratch = new PooledBufferWriter(256);
        var maskedPath = path;
        if (path.Value is { Length: > 1 } value)
        {
            // Kestrel has decoded the path already (all but %2F, which stays as it came).
            var segments = value.Split('/');
            var changed = false;
            for (var i = 0; i < segments.Length; i++)
            {
                var status = MaskPart(exchange, segments[i], scratch, out var masked);
                if (status != MaskStatus.Ok)
                {
                    return status;
                }

                if (masked is not null)
                {
                    segments[i] = masked;
                    changed = true;
                }
            }

            if (changed)
            {
                maskedPath = new PathString(string.Join('/', segments));
            }
        }

        var maskedQuery = query.ToUriComponent();
        if (query.Value is { Length: > 1 } raw)
        {
            var result = MaskQuery(exchange, raw, scratch, out var rewritten);
            if (result != MaskStatus.Ok)
            {
                return result;
            }

            maskedQuery = rewritten ?? maskedQuery;
        }

        pathAndQuery = maskedPath.ToUriComponent() + maskedQuery;
        return MaskStatus.Ok;
    }

    /// <summary>Masks the names and values of a raw query (<c>?a=b&amp;c</c>); <paramref name="rewritten"/> is null when nothing changed.</summary>
    private static MaskStatus MaskQuery(MaskContext exchange, string raw, PooledBufferWriter scratch, out string? rewritten)
    {
        rewritten = null;
        var parts = raw[1..].Split('&');
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var status = MaskEncoded(exchange, name, scratch, out var maskedName);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            string? maskedValue = null;
            if (equals >= 0)
            {
                status = MaskEncoded(exchange, part[(equals + 1)..], scratch, out maskedValue);
                if (status != MaskStatus.Ok)
                {
                    return status;
                }
            }

            if (maskedName is not null || maskedValue is not null)
            {
                parts[i] = equals < 0 ? maskedName! : string.Concat(maskedName ?? name, "=", maskedValue ?? part[(equals + 1)..]);
                changed = true;
            }
        }

        if (changed)
        {
            rewritten = "?" + string.Join('&', parts);
        }

        return MaskStatus.Ok;
    }

    /// <summary>Masks one percent-encoded query component (<c>+</c> is a space); the result is encoded again.</summary>
    private static MaskStatus MaskEncoded(MaskContext exchange, string encoded, PooledBufferWriter scratch, out string? masked)
    {
        masked = null;
        if (encoded.Length == 0)
        {
            return MaskStatus.Ok;
        }

        var status = MaskPart(exchange, Uri.UnescapeDataString(encoded.Replace('+', ' ')), scratch, out var plain);
        if (plain is not null)
        {
            masked = Uri.EscapeDataString(plain);
        }

        return status;
    }

    /// <summary>Masks one decoded part; <paramref name="masked"/> is null when nothing changed.</summary>
    private static MaskStatus MaskPart(MaskContext exchange, string part, PooledBufferWriter scratch, out string? masked)
    {
        masked = null;
        if (part.Length == 0)
        {
            return MaskStatus.Ok;
        }

        scratch.Clear();
        var status = TextMasker.Mask(exchange, MaskDirection.Request, Encoding.UTF8.GetBytes(part), scratch, out var changed);
        if (status == MaskStatus.Ok && changed)
        {
            masked = Encoding.UTF8.GetString(scratch.WrittenSpan);
        }

        return status;
    }
}
