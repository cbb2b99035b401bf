using System.Collections.Immutable;

namespace FastMask.Gateway.Configuration;

/// <summary>
/// The gateway's configuration as read from <c>fastmask serve --config FILE</c> (camelCase JSON, comments
/// allowed). Immutable; validated as a whole by <see cref="GatewayConfigValidator"/> before anything starts.
/// Relative file paths (policies, credential files, certificates) are resolved against the directory of
/// the config file.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>Data-plane listeners (at least one).</summary>
    public ImmutableArray<ListenerConfig> Listeners { get; init; } = [];

    /// <summary>Admin listener for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; null serves no admin endpoints.</summary>
    public ListenerConfig? Admin { get; init; }

    public ImmutableArray<RouteConfig> Routes { get; init; } = [];

    /// <summary>
    /// How long in-flight requests may run after SIGTERM before their connections are closed. Default 30 s:
    /// long enough for a typical streamed completion, shorter than Kubernetes' default 30 s grace period
    /// plus the pre-stop delay.
    /// </summary>
    public double ShutdownTimeoutSeconds { get; init; } = 30;

    /// <summary>Request headers never forwarded on any route, in addition to the built-in set (<c>Authorization</c>, <c>Cookie</c>, <c>x-api-key</c>...).</summary>
    public ImmutableArray<string> StripRequestHeaders { get; init; } = [];

    /// <summary>Detector engine for every policy: <c>auto</c> (default), <c>hyperscan</c> or <c>regex</c>.</summary>
    public string? DetectorEngine { get; init; }

    /// <summary>
    /// Addresses or CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) of the proxies in front of the gateway, such as a
    /// load balancer. A request from one of them keeps its <c>X-Forwarded-For</c> chain (the peer's address is
    /// appended) and its <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>; from any other peer they are replaced by
    /// what the gateway itself sees. Empty by default: no caller can set them.
    /// </summary>
    public ImmutableArray<string> TrustedProxies { get; init; } = [];
}

/// <summary>One listening socket.</summary>
public sealed record ListenerConfig
{
    /// <summary><c>http://IP:PORT</c> or <c>https://IP:PORT</c>; host <c>*</c> or <c>0.0.0.0</c> listens on every address, <c>localhost</c> on loopback.</summary>
    public string Url { get; init; } = "";

    /// <summary>Required for an <c>https</c> URL.</summary>
    public CertificateConfig? Certificate { get; init; }
}

/// <summary>A server certificate: a PEM certificate (with its key in <see cref="KeyPath"/> or the same file) or a PKCS#12 file.</summary>
public sealed record CertificateConfig
{
    /// <summary>PEM certificate (<c>.pem</c>, <c>.crt</c>) or PKCS#12 (<c>.pfx</c>, <c>.p12</c>).</summary>
    public string Path { get; init; } = "";

    /// <summary>PEM private key; defaults to <see cref="Path"/> when the key is in the same file.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Environment variable that holds the PKCS#12 or encrypted-PEM password.</summary>
    public string? PasswordEnv { get; init; }
}

/// <summary>Requests whose path starts with <see cref="PathPrefix"/> go to <see cref="Upstream"/>.</summary>
public sealed record RouteConfig
{
    /// <summary>Name used in metrics and logs; defaults to the path prefix.</summary>
    public string? Name { get; init; }

    /// <summary>Matched on whole path segments: <c>/v1</c> matches <c>/v1</c> and <c>/v1/chat</c>, not <c>/v10</c>. The longest prefix wins.</summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>Accepted methods; empty accepts every method.</summary>
    public ImmutableArray<string> Methods { get; init; } = [];

    /// <summary>Upstream base URL; the request path and query are appended, masked (<c>https://api.example.com</c> + <c>/v1/chat/completions</c>).</summary>
    public string Upstream { get; init; } = "";

    /// <summary>Credential injected into every forwarded request; null injects none.</summary>
    public CredentialConfig? Credential { get; init; }

    /// <summary>Policy file applied to requests and responses on this route (required).</summary>
    public string Policy { get; init; } = "";

    public TimeoutConfig Timeouts { get; init; } = new();

    public LimitConfig Limits { get; init; } = new();

    /// <summary>
    /// Content types forwarded without masking, in both directions (<c>multipart/form-data</c>, <c>audio/*</c>).
    /// Empty by default: every body on a route is masked, and any other content type is refused (415).
    /// </summary>
    public ImmutableArray<string> PassThroughContentTypes { get; init; } = [];

    /// <summary>Request headers never forwarded on this route, in addition to the global list.</summary>
    public ImmutableArray<string> StripRequestHeaders { get; init; } = [];
}

/// <summary>The upstream credential: a header whose value is read from an environment variable or a file.</summary>
public sealed record CredentialConfig
{
    /// <summary>Header name, e.g. <c>Authorization</c> or <c>api-key</c>.</summary>
    public string Header { get; init; } = "";

    /// <summary>Text put before the secret, e.g. <c>Bearer </c>.</summary>
    public string? Prefix { get; init; }

    /// <summary>Environment variable holding the secret (read once at start-up).</summary>
    public string? Env { get; init; }

    /// <summary>
    /// File holding the secret (trailing whitespace trimmed). Re-read when its modification time or size changes,
    /// so a rotated secret (a Kubernetes secret volume, a vault agent) is used without a restart.
    /// </summary>
    public string? File { get; init; }

    /// <summary>
    /// How often, at most, the file's modification time is checked. Default 1 s: one <c>stat</c> per second
    /// instead of one per request, and a rotation is seen within a second.
    /// </summary>
    public double RefreshSeconds { get; init; } = 1;
}

/// <summary>Upstream timeouts in seconds.</summary>
public sealed record TimeoutConfig
{
    /// <summary>Establishing the TCP (and TLS) connection. Default 10 s. Exceeded: 504.</summary>
    public double ConnectSeconds { get; init; } = 10;

    /// <summary>From sending the request to receiving the response headers. Default 300 s: long non-streamed completions take minutes. Exceeded: 504.</summary>
    public double ResponseSeconds { get; init; } = 300;

    /// <summary>Longest pause between two reads of the response body (a stalled stream). Default 120 s. Exceeded: the response is cut off.</summary>
    public double IdleSeconds { get; init; } = 120;
}

/// <summary>Body size limits in bytes.</summary>
public sealed record LimitConfig
{
    /// <summary>
    /// Largest request body, on the wire and after decompression. Default 16 MiB: a chat request with a few
    /// base64 images fits; a zip bomb does not. Exceeded: 413 before the body is parsed.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest response body after decompression (for a stream: the whole stream). Default 64 MiB. Exceeded: a JSON
    /// response becomes a 502, a stream is cut off with an error event.
    /// </summary>
    public long MaxResponseBodyBytes { get; init; } = 64 * 1024 * 1024;
}

/// <summary>One configuration error: the JSON path of the offending setting and what is wrong with it.</summary>
public sealed record ConfigError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
