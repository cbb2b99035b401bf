using System.Buffers;
using System.Text;
using FastMask.Masking;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// Masks what a request URL carries before it goes upstream: the decoded path, and every query parameter name and
/// value, are masked by the request rules as a string value of the body is, so an address in
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
        if (exchange.Policy.Detector.Definitions.IsEmpty)
        {
            // Field rules address JSON values; without detectors nothing in a URL can be masked.
            pathAndQuery = path.ToUriComponent() + query.ToUriComponent();
            return MaskStatus.Ok;
        }

        using var scratch = new PooledBufferWriter(256);

        // Kestrel has decoded the path already (all but %2F, which stays as it came). It is scanned whole, so an
        // entity written with slashes (a date) is found as it is in a string value.
        var status = MaskPart(exchange, path.Value ?? "", scratch, out var maskedPath);
        if (status != MaskStatus.Ok)
        {
            return status;
        }

        var maskedQuery = query.ToUriComponent();
        if (query.Value is { Length: > 1 } raw)
        {
            status = MaskQuery(exchange, raw, scratch, out var rewritten);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            maskedQuery = rewritten ?? maskedQuery;
        }

        pathAndQuery = (maskedPath is null ? path : new PathString(maskedPath)).ToUriComponent() + maskedQuery;
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
