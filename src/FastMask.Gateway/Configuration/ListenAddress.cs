using System.Globalization;
using System.Net;

namespace FastMask.Gateway.Configuration;

/// <summary>Where a listener binds, parsed from its URL.</summary>
public enum ListenHostKind
{
    /// <summary>A literal IP address.</summary>
    Address,

    /// <summary><c>*</c>, <c>+</c> or <c>0.0.0.0</c>: every IPv4 and IPv6 address.</summary>
    Any,

    /// <summary><c>localhost</c>: the IPv4 and IPv6 loopback addresses.</summary>
    Localhost,
}

/// <summary>A parsed listener URL: <c>http(s)://HOST:PORT</c> with no path.</summary>
public sealed record ListenAddress(bool IsHttps, ListenHostKind Kind, IPAddress? Address, int Port)
{
    public static bool TryParse(string? url, out ListenAddress? address, out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "a listener needs a URL such as http://127.0.0.1:8080";
            return false;
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            error = "the URL must start with http:// or https://";
            return false;
        }

        var rest = url[(schemeEnd + 3)..].TrimEnd('/');
        if (rest.Contains('/', StringComparison.Ordinal) || rest.Contains('?', StringComparison.Ordinal))
        {
            error = "a listener URL has no path or query";
            return false;
        }

        var colon = rest.LastIndexOf(':');
        if (colon < 0 || (rest.StartsWith('[') && !rest[..colon].EndsWith(']')))
        {
            error = "the URL must name a port (http://HOST:PORT; port 0 picks a free one)";
            return false;
        }

        var host = rest[..colon];
        if (!int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = "the port must be a number from 0 to 65535";
            return false;
        }

        var isHttps = scheme == "https";
        if (host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            address = new ListenAddress(isHttps, ListenHostKind.Any, null, port);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new ListenAddress(isHttps, ListenHostKind.Localhost, null, port);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            address = new ListenAddress(isHttps, ListenHostKind.Address, ip, port);
        }
        else
        {
            error = "the host must be an IP address, localhost or *";
            return false;
        }

        error = null;
        return true;
    }
}
