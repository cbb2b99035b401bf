using System.Collections;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Operations;
using FastMask.Gateway.Proxy;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Serve;

/// <summary>A listener ready to bind: its parsed address and, for https, its loaded certificate.</summary>
internal sealed record ListenerRuntime(ListenAddress Address, X509Certificate2? Certificate);

/// <summary>
/// Everything the gateway needs at run time, built once from a validated config: compiled policies, credentials,
/// certificates, connection pools, metrics. Building it checks every file the config names, so start-up fails with
/// the full list of problems instead of the first request failing.
/// </summary>
internal sealed class GatewayRuntime : IDisposable
{
    private readonly ImmutableArray<CompiledPolicy> _policies;

    private GatewayRuntime(
        GatewayConfig config,
        ImmutableArray<ListenerRuntime> listeners,
        ListenerRuntime? admin,
        ImmutableArray<RouteRuntime> routes,
        ImmutableArray<CompiledPolicy> policies,
        GatewayMetrics metrics,
        DetectorEngineKind engine)
    {
        Config = config;
        Listeners = listeners;
        Admin = admin;
        Routes = routes;
        _policies = policies;
        Metrics = metrics;
        Engine = engine;
        Unmatched = metrics.ForRoute("unmatched");
    }

    public GatewayConfig Config { get; }

    public ImmutableArray<ListenerRuntime> Listeners { get; }

    public ListenerRuntime? Admin { get; }

    /// <summary>Longest prefix first, so the first match is the most specific route.</summary>
    public ImmutableArray<RouteRuntime> Routes { get; }

    public GatewayMetrics Metrics { get; }

    /// <summary>Metrics for requests no route matched.</summary>
    public GatewayMetrics.RouteMetrics Unmatched { get; }

    public DetectorEngineKind Engine { get; }

    public GatewayState State { get; } = new();

    public RouteRuntime? Match(string path)
    {
        foreach (var route in Routes)
        {
            if (route.Matches(path))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>Validates <paramref name="config"/> and loads what it names; null with every error when anything is wrong.</summary>
    public static GatewayRuntime? Create(GatewayConfig config, IDictionary environment, out ImmutableArray<ConfigError> errors)
    {
        var list = new List<ConfigError>(GatewayConfigValidator.Validate(config));
        if (list.Count > 0)
        {
            // File checks below assume valid settings; a broken setting already has its error.
            errors = [.. list];
            return null;
        }

        var listeners = ImmutableArray.CreateBuilder<ListenerRuntime>();
        for (var i = 0; i < config.Listeners.Length; i++)
        {
            if (LoadListener(config.Listeners[i], $"$.listeners[{i}]", environment, list) is { } listener)
            {
                listeners.Add(listener);
            }
        }

        var admin = config.Admin is null ? null : LoadListener(config.Admin, "$.admin", environment, list);

        // The config's engine wins, then the environment's; with neither, each policy document decides.
        DetectorEngineKind? engine = null;
        if (!string.IsNullOrEmpty(config.DetectorEngine))
        {
            _ = ScannerFactory.TryParse(config.DetectorEngine, out var configured); // validated above
            engine = configured;
        }
        else if (environment[ScannerFactory.EngineEnvironmentVariable] is string fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (ScannerFactory.TryParse(fromEnvironment, out var requested))
            {
                engine = requested;
            }
            else
            {
                list.Add(new ConfigError($"env:{ScannerFactory.EngineEnvironmentVariable}", "must be 'auto', 'hyperscan' or 'regex'"));
            }
        }

        var policies = new Dictionary<string, CompiledPolicy>(StringComparer.Ordinal);
        var credentials = new CredentialSource?[config.Routes.Length];
        for (var i = 0; i < config.Routes.Length; i++)
        {
            var route = config.Routes[i];
            var path = $"$.routes[{i}]";
            if (!policies.ContainsKey(route.Policy))
            {
                if (LoadPolicy(route.Policy, engine, environment, $"{path}.policy", list) is { } policy)
                {
                    policies[route.Policy] = policy;
                }
            }

            if (route.Credential is { } credential)
            {
                credentials[i] = CredentialSource.Create(credential, environment, out var error);
                if (error is not null)
                {
                    list.Add(new ConfigError($"{path}.credential", error));
                }
            }
        }

        if (list.Count > 0)
        {
            foreach (var policy in policies.Values)
            {
                policy.Dispose();
            }

            errors = [.. list];
            return null;
        }

        var metrics = new GatewayMetrics();
        var globalStrip = config.StripRequestHeaders.IsDefault ? [] : config.StripRequestHeaders;
        var routes = new List<RouteRuntime>(config.Routes.Length);
        var resolvedEngine = DetectorEngineKind.Regex;
        for (var i = 0; i < config.Routes.Length; i++)
        {
            var route = config.Routes[i];
            var strip = new List<string>(globalStrip);
            if (!route.StripRequestHeaders.IsDefault)
            {
                strip.AddRange(route.StripRequestHeaders);
            }

            var policy = policies[route.Policy];
            resolvedEngine = policy.Detector.Engine;
            var runtime = new RouteRuntime(route, policy, credentials[i], strip.ToFrozenSet(StringComparer.OrdinalIgnoreCase), metrics.ForRoute(GatewayConfigValidator.NameOf(route)));
            metrics.PolicyInfo.WithLabels(runtime.Name, policy.Version, policy.ApiVersion).Set(1);
            routes.Add(runtime);
        }

        routes.Sort(static (a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        metrics.EngineInfo.WithLabels(resolvedEngine.ToString().ToLowerInvariant()).Set(1);
        errors = [];
        return new GatewayRuntime(config, listeners.ToImmutable(), admin, [.. routes], [.. policies.Values], metrics, resolvedEngine);
    }

    private static ListenerRuntime? LoadListener(ListenerConfig config, string path, IDictionary environment, List<ConfigError> errors)
    {
        if (!ListenAddress.TryParse(config.Url, out var address, out _))
        {
            return null; // validated above
        }
        if (config.Certificate is not { } certificate)
        {
            return new ListenerRuntime(address!, null);
        }

        try
        {
            var password = certificate.PasswordEnv is null ? null : environment[certificate.PasswordEnv] as string;
            X509Certificate2 loaded;
            var extension = Path.GetExtension(certificate.Path);
            if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
            {
                loaded = X509CertificateLoader.LoadPkcs12FromFile(certificate.Path, password);
            }
            else
            {
                var keyPath = certificate.KeyPath ?? certificate.Path;
                loaded = password is null
                    ? X509Certificate2.CreateFromPemFile(certificate.Path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificate.Path, password, keyPath);
            }

            if (!loaded.HasPrivateKey)
            {
                loaded.Dispose();
                errors.Add(new ConfigError($"{path}.certificate", "the certificate has no private key"));
                return null;
            }

            return new ListenerRuntime(address!, loaded);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add(new ConfigError($"{path}.certificate", $"cannot load the certificate ({e.GetType().Name})"));
            return null;
        }
    }

    private static CompiledPolicy? LoadPolicy(string file, DetectorEngineKind? engine, IDictionary environment, string path, List<ConfigError> errors)
    {
        if (!File.Exists(file))
        {
            errors.Add(new ConfigError(path, "the policy file does not exist"));
            return null;
        }

        PolicyCompileResult result;
        try
        {
            result = PolicyLoader.LoadFile(file, new PolicyCompileOptions
            {
                Engine = engine,
                GetEnvironmentVariable = name => environment[name] as string,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PatternCompileException)
        {
            errors.Add(new ConfigError(path, $"cannot load the policy: {e.Message}"));
            return null;
        }

        if (!result.Success || !result.Errors.IsDefaultOrEmpty)
        {
            foreach (var error in result.Errors.IsDefault ? [] : result.Errors)
            {
                errors.Add(new ConfigError(path, $"{error.Path}: {error.Message}"));
            }

            if (result.Errors.IsDefaultOrEmpty)
            {
                errors.Add(new ConfigError(path, "the policy could not be loaded"));
            }

            result.Policy?.Dispose();
            return null;
        }

        return result.Policy;
    }

    public void Dispose()
    {
        foreach (var route in Routes)
        {
            route.Dispose();
        }

        foreach (var policy in _policies)
        {
            policy.Dispose();
        }

        foreach (var listener in Listeners)
        {
            listener.Certificate?.Dispose();
        }

        Admin?.Certificate?.Dispose();
    }
}
