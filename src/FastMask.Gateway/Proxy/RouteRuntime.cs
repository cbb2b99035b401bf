using System.Collections.Frozen;
using System.Net;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Operations;
using FastMask.Masking.Policy;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// A route ready for the request path: names resolved, policy compiled, credential loaded, connection pool built. Its
/// policy can be replaced while requests run (<see cref="SwapPolicy"/>); each exchange keeps the one it leased.
/// </summary>
internal sealed class RouteRuntime : IDisposable
{
    private readonly string[] _methods;
    private readonly string _upstreamBase;
    private PolicyHandle _policy;

    public RouteRuntime(
        RouteConfig config,
        PolicyHandle policy,
        CredentialSource? credential,
        FrozenSet<string> stripHeaders,
        GatewayMetrics.RouteMetrics metrics)
    {
        Name = GatewayConfigValidator.NameOf(config);
        Prefix = config.PathPrefix.Length > 1 ? config.PathPrefix.TrimEnd('/') : config.PathPrefix;
        _methods = new string[config.Methods.IsDefault ? 0 : config.Methods.Length];
        for (var i = 0; i < _methods.Length; i++)
        {
            _methods[i] = config.Methods[i].ToUpperInvariant();
        }

        var upstream = new Uri(config.Upstream, UriKind.Absolute);
        _upstreamBase = upstream.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _policy = policy;
        Credential = credential;
        StripHeaders = stripHeaders;
        Metrics = metrics;
        var timeouts = config.Timeouts ?? new TimeoutConfig();
        ResponseTimeout = TimeSpan.FromSeconds(timeouts.ResponseSeconds);
        IdleTimeout = TimeSpan.FromSeconds(timeouts.IdleSeconds);
        var limits = config.Limits ?? new LimitConfig();
        MaxRequestBodyBytes = limits.MaxRequestBodyBytes;
        MaxResponseBodyBytes = limits.MaxResponseBodyBytes;
        PassThroughContentTypes = config.PassThroughContentTypes.IsDefault ? [] : [.. config.PassThroughContentTypes];

        // One pool per route, like a YARP cluster. Decompression is off: the gateway decodes itself, under its own
        // size limit. No proxy, redirects or cookies: the upstream is exactly the configured one.
        Handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(timeouts.ConnectSeconds),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
        };
        Invoker = new HttpMessageInvoker(Handler, disposeHandler: true);
    }

    public string Name { get; }

    public string Prefix { get; }

    /// <summary>The policy new exchanges get now. An exchange uses <see cref="AcquirePolicy"/> instead, so a swap cannot change it midway.</summary>
    public CompiledPolicy CurrentPolicy => Volatile.Read(ref _policy).Policy;

    /// <summary>The handle new exchanges lease now.</summary>
    public PolicyHandle PolicyHandle => Volatile.Read(ref _policy);

    public CredentialSource? Credential { get; }

    public FrozenSet<string> StripHeaders { get; }

    public GatewayMetrics.RouteMetrics Metrics { get; }

    public TimeSpan ResponseTimeout { get; }

    public TimeSpan IdleTimeout { get; }

    public long MaxRequestBodyBytes { get; }

    public long MaxResponseBodyBytes { get; }

    public string[] PassThroughContentTypes { get; }

    public SocketsHttpHandler Handler { get; }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>
    /// Leases the route's current policy for one exchange: masking, its contexts and its metrics all use it until
    /// <see cref="PolicyHandle.Release"/>, whatever is swapped in meanwhile.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The gateway is shutting down and the policy has been released.</exception>
    public PolicyHandle AcquirePolicy()
    {
        while (true)
        {
            var handle = Volatile.Read(ref _policy);
            if (handle.TryAcquire())
            {
                return handle;
            }

            // A retired handle is swapped out before it is retired, so a second read finds its successor; the same
            // handle again means the runtime released every policy (shutdown).
            if (ReferenceEquals(Volatile.Read(ref _policy), handle))
            {
                throw new ObjectDisposedException(nameof(RouteRuntime), "The route's policy has been released.");
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the policy of new exchanges and returns the previous one, which exchanges already
    /// running keep. The caller retires the previous handle once no route uses it any more.
    /// </summary>
    public PolicyHandle SwapPolicy(PolicyHandle next) => Interlocked.Exchange(ref _policy, next);

    public bool Matches(string path)
    {
        if (Prefix == "/")
        {
            return true;
        }

        return path.StartsWith(Prefix, StringComparison.Ordinal) && (path.Length == Prefix.Length || path[Prefix.Length] == '/');
    }

    public bool AllowsMethod(string method)
    {
        if (_methods.Length == 0)
        {
            return true;
        }

        foreach (var allowed in _methods)
        {
            if (string.Equals(allowed, method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The upstream URL for a request: base URL + the request's (masked, encoded) path and query.</summary>
    public Uri BuildTarget(string pathAndQuery) => new(_upstreamBase + pathAndQuery, UriKind.Absolute);

    public void Dispose()
    {
        // The policy belongs to the runtime, which may share it between routes.
        Invoker.Dispose();
    }
}
