using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using FastMask.Gateway.Proxy;
using FastMask.Masking.Detection;

namespace FastMask.Gateway.Configuration;

/// <summary>
/// Checks what each setting means, without touching files: every error is collected with the JSON path of the
/// setting (<c>$.routes[1].upstream</c>), so one run shows everything to fix.
/// </summary>
public static class GatewayConfigValidator
{
    /// <summary>Largest body limit accepted: bodies are buffered in one pooled array, which .NET caps near 2 GiB.</summary>
    public const long MaxBodyLimit = 1L << 30;

    /// <summary>Largest timeout accepted (a day); beyond that a timer cannot be armed in milliseconds anyway.</summary>
    public const double MaxTimeoutSeconds = 86_400;

    public static ImmutableArray<ConfigError> Validate(GatewayConfig config)
    {
        var errors = new List<ConfigError>();
        var ports = new Dictionary<int, string>();

        if (config.Listeners.IsDefaultOrEmpty)
        {
            errors.Add(new ConfigError("$.listeners", "at least one data listener is required"));
        }
        else
        {
            for (var i = 0; i < config.Listeners.Length; i++)
            {
                ValidateListener(config.Listeners[i], $"$.listeners[{i}]", errors, ports);
            }
        }

        if (config.Admin is not null)
        {
            ValidateListener(config.Admin, "$.admin", errors, ports);
        }

        if (!(config.ShutdownTimeoutSeconds > 0 && config.ShutdownTimeoutSeconds <= 3600))
        {
            errors.Add(new ConfigError("$.shutdownTimeoutSeconds", "must be more than 0 and at most 3600"));
        }

        ValidateHeaderList(config.StripRequestHeaders, "$.stripRequestHeaders", errors);
        if (!config.TrustedProxies.IsDefault)
        {
            for (var i = 0; i < config.TrustedProxies.Length; i++)
            {
                if (!TryParseNetwork(config.TrustedProxies[i], out _))
                {
                    errors.Add(new ConfigError($"$.trustedProxies[{i}]", "must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8"));
                }
            }
        }

        if (!ScannerFactory.TryParse(config.DetectorEngine, out _))
        {
            errors.Add(new ConfigError("$.detectorEngine", "must be 'auto', 'hyperscan' or 'regex'"));
        }

        if (config.Routes.IsDefaultOrEmpty)
        {
            errors.Add(new ConfigError("$.routes", "at least one route is required"));
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var prefixes = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < config.Routes.Length; i++)
            {
                ValidateRoute(config.Routes[i], $"$.routes[{i}]", errors, names, prefixes);
            }
        }

        return [.. errors];
    }

    /// <summary>An address (a network of one) or a CIDR range.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // IPv4 in full dotted-quad form only: the parser also takes shorthand such as "10.1" for 10.0.0.1.
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? text : text[..slash];
        if (!host.Contains(':', StringComparison.Ordinal) && host.Count(static c => c == '.') != 3)
        {
            return false;
        }

        if (slash < 0 && IPAddress.TryParse(text, out var address))
        {
            // Peers are compared as IPv4 when they are IPv4-mapped, so an entry written mapped is taken as IPv4 too.
            address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }

    /// <summary>The route's name as used in metrics: <see cref="RouteConfig.Name"/> or else its path prefix.</summary>
    public static string NameOf(RouteConfig route) => string.IsNullOrEmpty(route.Name) ? route.PathPrefix : route.Name;

    private static void ValidateListener(ListenerConfig? listener, string path, List<ConfigError> errors, Dictionary<int, string> ports)
    {
        if (listener is null)
        {
            errors.Add(new ConfigError(path, "must be an object with a url"));
            return;
        }

        if (!ListenAddress.TryParse(listener.Url, out var address, out var error))
        {
            errors.Add(new ConfigError($"{path}.url", error!));
            return;
        }

        if (address!.Port != 0 && !ports.TryAdd(address.Port, path))
        {
            errors.Add(new ConfigError($"{path}.url", $"port {address.Port} is already used by {ports[address.Port]}"));
        }

        if (address.IsHttps && listener.Certificate is null)
        {
            errors.Add(new ConfigError($"{path}.certificate", "an https listener needs a certificate"));
        }
        else if (!address.IsHttps && listener.Certificate is not null)
        {
            errors.Add(new ConfigError($"{path}.certificate", "a certificate is only used by an https listener"));
        }
        else if (listener.Certificate is { } certificate && string.IsNullOrWhiteSpace(certificate.Path))
        {
            errors.Add(new ConfigError($"{path}.certificate.path", "required"));
        }
    }

    private static void ValidateRoute(RouteConfig? route, string path, List<ConfigError> errors, HashSet<string> names, HashSet<string> prefixes)
    {
        if (route is null)
        {
            errors.Add(new ConfigError(path, "must be an object"));
            return;
        }

        if (string.IsNullOrEmpty(route.PathPrefix) || route.PathPrefix[0] != '/')
        {
            errors.Add(new ConfigError($"{path}.pathPrefix", "required, and starts with '/'"));
        }
        else if (route.PathPrefix.AsSpan().IndexOfAny('?', '#', '%') >= 0 || route.PathPrefix.Contains("//", StringComparison.Ordinal))
        {
            errors.Add(new ConfigError($"{path}.pathPrefix", "a plain path: no query, fragment, escapes or empty segments"));
        }
        else if (!prefixes.Add(route.PathPrefix.Length > 1 ? route.PathPrefix.TrimEnd('/') : route.PathPrefix))
        {
            errors.Add(new ConfigError($"{path}.pathPrefix", "another route has the same prefix"));
        }

        if (route.Name is not null && !IsLabelSafe(route.Name))
        {
            errors.Add(new ConfigError($"{path}.name", "letters, digits, '_', '-', '.' and '/' only, 1 to 64 characters"));
        }
        else if (!string.IsNullOrEmpty(NameOf(route)) && !names.Add(NameOf(route)))
        {
            errors.Add(new ConfigError(route.Name is null ? $"{path}.pathPrefix" : $"{path}.name", "another route has the same name"));
        }

        if (!route.Methods.IsDefault)
        {
            for (var i = 0; i < route.Methods.Length; i++)
            {
                if (!HttpHeaderRules.IsToken(route.Methods[i]))
                {
                    errors.Add(new ConfigError($"{path}.methods[{i}]", "not an HTTP method"));
                }
            }
        }

        if (!Uri.TryCreate(route.Upstream, UriKind.Absolute, out var upstream) || upstream.Scheme is not ("http" or "https"))
        {
            errors.Add(new ConfigError($"{path}.upstream", "an absolute http:// or https:// URL is required"));
        }
        else if (!string.IsNullOrEmpty(upstream.Query) || !string.IsNullOrEmpty(upstream.Fragment) || !string.IsNullOrEmpty(upstream.UserInfo))
        {
            errors.Add(new ConfigError($"{path}.upstream", "a base URL has no query, fragment or user info (put credentials in 'credential')"));
        }

        if (string.IsNullOrWhiteSpace(route.Policy))
        {
            errors.Add(new ConfigError($"{path}.policy", "required: the policy file applied on this route"));
        }

        if (route.Credential is { } credential)
        {
            ValidateCredential(credential, $"{path}.credential", errors);
        }

        var timeouts = route.Timeouts ?? new TimeoutConfig();
        CheckTimeout(timeouts.ConnectSeconds, $"{path}.timeouts.connectSeconds", errors);
        CheckTimeout(timeouts.ResponseSeconds, $"{path}.timeouts.responseSeconds", errors);
        CheckTimeout(timeouts.IdleSeconds, $"{path}.timeouts.idleSeconds", errors);

        var limits = route.Limits ?? new LimitConfig();
        CheckLimit(limits.MaxRequestBodyBytes, $"{path}.limits.maxRequestBodyBytes", errors);
        CheckLimit(limits.MaxResponseBodyBytes, $"{path}.limits.maxResponseBodyBytes", errors);

        if (!route.PassThroughContentTypes.IsDefault)
        {
            for (var i = 0; i < route.PassThroughContentTypes.Length; i++)
            {
                if (!ContentTypes.IsValidPattern(route.PassThroughContentTypes[i]))
                {
                    errors.Add(new ConfigError($"{path}.passThroughContentTypes[{i}]", "a media type such as 'audio/mpeg' or 'audio/*'"));
                }
                else if (ContentTypes.IsJsonPattern(route.PassThroughContentTypes[i]))
                {
                    errors.Add(new ConfigError($"{path}.passThroughContentTypes[{i}]", "JSON is always masked and cannot pass through"));
                }
            }
        }

        ValidateHeaderList(route.StripRequestHeaders, $"{path}.stripRequestHeaders", errors);
    }

    private static void ValidateCredential(CredentialConfig credential, string path, List<ConfigError> errors)
    {
        if (!HttpHeaderRules.IsToken(credential.Header))
        {
            errors.Add(new ConfigError($"{path}.header", "a header name is required"));
        }
        else if (HttpHeaderRules.IsHopByHop(credential.Header) || HttpHeaderRules.IsManagedByGateway(credential.Header))
        {
            errors.Add(new ConfigError($"{path}.header", "this header is set by the gateway or the connection and cannot carry a credential"));
        }

        if (credential.Prefix is not null && credential.Prefix.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            errors.Add(new ConfigError($"{path}.prefix", "must not contain line breaks"));
        }

        var sources = (string.IsNullOrEmpty(credential.Env) ? 0 : 1) + (string.IsNullOrEmpty(credential.File) ? 0 : 1);
        if (sources != 1)
        {
            errors.Add(new ConfigError(path, "exactly one of 'env' and 'file' names where the secret is read from"));
        }

        if (!(credential.RefreshSeconds >= 0 && credential.RefreshSeconds <= MaxTimeoutSeconds))
        {
            errors.Add(new ConfigError($"{path}.refreshSeconds", $"must be from 0 to {MaxTimeoutSeconds}"));
        }
    }

    private static void ValidateHeaderList(ImmutableArray<string> headers, string path, List<ConfigError> errors)
    {
        if (headers.IsDefault)
        {
            return;
        }

        for (var i = 0; i < headers.Length; i++)
        {
            if (!HttpHeaderRules.IsToken(headers[i]))
            {
                errors.Add(new ConfigError($"{path}[{i}]", "not a header name"));
            }
        }
    }

    private static void CheckTimeout(double seconds, string path, List<ConfigError> errors)
    {
        if (!(seconds > 0 && seconds <= MaxTimeoutSeconds))
        {
            errors.Add(new ConfigError(path, $"must be more than 0 and at most {MaxTimeoutSeconds}"));
        }
    }

    private static void CheckLimit(long bytes, string path, List<ConfigError> errors)
    {
        if (bytes <= 0 || bytes > MaxBodyLimit)
        {
            errors.Add(new ConfigError(path, $"must be from 1 to {MaxBodyLimit}"));
        }
    }

    private static bool IsLabelSafe(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
