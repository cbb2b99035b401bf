using System.Collections;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Operations;
using FastMask.Gateway.Proxy;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;
using Microsoft.Extensions.Logging;

namespace FastMask.Gateway.Serve;

/// <summary>A listener ready to bind: its parsed address and, for https, its loaded certificate.</summary>
internal sealed record ListenerRuntime(ListenAddress Address, X509Certificate2? Certificate);

/// <summary>
/// Everything the gateway needs at run time, built once from a validated config: compiled policies, credentials,
/// certificates, connection pools, metrics. Building it checks every file the config names, so start-up fails with
/// the full list of problems instead of the first request failing.
/// </summary>
/// <remarks>
/// A policy can be replaced while the gateway serves (<see cref="TryReplacePolicy"/>): new exchanges get the new one,
/// running exchanges finish on the one they leased, and the old one is disposed after the last of them. Fast start
/// uses it: with the engine left to <c>auto</c> and Hyperscan available, each policy is compiled with the Regex engine
/// first (milliseconds), the gateway serves with it, and <see cref="StartDetectorUpgrade"/> compiles the Hyperscan
/// detectors on a background thread and swaps them in. Both engines find the same spans, so only speed changes.
/// </remarks>
internal sealed partial class GatewayRuntime : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _upgrade = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _beforeBackgroundCompile;
    private bool _disposed;
    private bool _upgradeStarted;

    private GatewayRuntime(
        GatewayConfig config,
        ImmutableArray<ListenerRuntime> listeners,
        ListenerRuntime? admin,
        ImmutableArray<RouteRuntime> routes,
        ImmutableArray<PolicyBinding> policies,
        GatewayMetrics metrics,
        Action<string>? beforeBackgroundCompile)
    {
        Config = config;
        Listeners = listeners;
        Admin = admin;
        Routes = routes;
        Policies = policies;
        Metrics = metrics;
        Unmatched = metrics.ForRoute("unmatched");
        _beforeBackgroundCompile = beforeBackgroundCompile;
        var trusted = ImmutableArray.CreateBuilder<IPNetwork>();
        foreach (var entry in config.TrustedProxies.IsDefault ? [] : config.TrustedProxies)
        {
            // Validated before the runtime is built.
            if (GatewayConfigValidator.TryParseNetwork(entry, out var network))
            {
                trusted.Add(network);
            }
        }

        TrustedProxies = trusted.ToImmutable();
    }

    public GatewayConfig Config { get; }

    public ImmutableArray<ListenerRuntime> Listeners { get; }

    public ListenerRuntime? Admin { get; }

    /// <summary>Longest prefix first, so the first match is the most specific route.</summary>
    public ImmutableArray<RouteRuntime> Routes { get; }

    public GatewayMetrics Metrics { get; }

    /// <summary>Peers whose forwarded headers are kept (<see cref="GatewayConfig.TrustedProxies"/>).</summary>
    public ImmutableArray<IPNetwork> TrustedProxies { get; }

    /// <summary>Metrics for requests no route matched.</summary>
    public GatewayMetrics.RouteMetrics Unmatched { get; }

    /// <summary>Each distinct policy file with the routes that use it and the policy they get now.</summary>
    public ImmutableArray<PolicyBinding> Policies { get; }

    /// <summary>Hyperscan when any current policy runs on it (after a fast start: once the background compile is done).</summary>
    public DetectorEngineKind Engine
    {
        get
        {
            var engine = DetectorEngineKind.Regex;
            foreach (var binding in Policies)
            {
                if (binding.Current.Policy.Detector.Engine == DetectorEngineKind.Hyperscan)
                {
                    engine = DetectorEngineKind.Hyperscan;
                }
            }

            return engine;
        }
    }

    /// <summary>
    /// Completes when the background Hyperscan compile has ended (swapped in, failed, or abandoned at shutdown), or at
    /// once when there is none.
    /// </summary>
    public Task DetectorUpgrade => _upgrade.Task;

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
    /// <param name="config">The gateway config.</param>
    /// <param name="environment">Environment for credentials, hash keys and the engine override.</param>
    /// <param name="errors">Every problem found, each with its config path; empty when the runtime is built.</param>
    /// <param name="fastStart">
    /// Compile policies whose engine is <c>auto</c> with the Regex engine now and leave Hyperscan to
    /// <see cref="StartDetectorUpgrade"/>; an engine named by the config, the environment or the policy is compiled now.
    /// </param>
    /// <param name="beforeBackgroundCompile">Called on the background thread before each policy's Hyperscan compile (tests).</param>
    public static GatewayRuntime? Create(
        GatewayConfig config,
        IDictionary environment,
        out ImmutableArray<ConfigError> errors,
        bool fastStart = false,
        Action<string>? beforeBackgroundCompile = null)
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

        // Hyperscan is looked for once; without it `auto` is the Regex engine anyway and there is nothing to defer.
        fastStart = fastStart && (engine is null or DetectorEngineKind.Auto)
            && ScannerFactory.Resolve(DetectorEngineKind.Auto) == DetectorEngineKind.Hyperscan;
        var policies = new Dictionary<string, CompiledPolicy>(StringComparer.Ordinal);
        var deferred = new HashSet<string>(StringComparer.Ordinal);
        var credentials = new CredentialSource?[config.Routes.Length];
        for (var i = 0; i < config.Routes.Length; i++)
        {
            var route = config.Routes[i];
            var path = $"$.routes[{i}]";
            if (!policies.ContainsKey(route.Policy))
            {
                if (LoadPolicy(route.Policy, engine, fastStart, environment, $"{path}.policy", list, out var upgradeLater) is { } policy)
                {
                    policies[route.Policy] = policy;
                    if (upgradeLater)
                    {
                        deferred.Add(route.Policy);
                    }
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
        var handles = new Dictionary<string, PolicyHandle>(StringComparer.Ordinal);
        foreach (var (file, policy) in policies)
        {
            handles[file] = new PolicyHandle(policy);
        }

        var globalStrip = config.StripRequestHeaders.IsDefault ? [] : config.StripRequestHeaders;
        var routes = new List<RouteRuntime>(config.Routes.Length);
        var routesByPolicy = new Dictionary<string, List<RouteRuntime>>(StringComparer.Ordinal);
        for (var i = 0; i < config.Routes.Length; i++)
        {
            var route = config.Routes[i];
            var strip = new List<string>(globalStrip);
            if (!route.StripRequestHeaders.IsDefault)
            {
                strip.AddRange(route.StripRequestHeaders);
            }

            var handle = handles[route.Policy];
            var runtime = new RouteRuntime(route, handle, credentials[i], strip.ToFrozenSet(StringComparer.OrdinalIgnoreCase), metrics.ForRoute(GatewayConfigValidator.NameOf(route)));
            metrics.SetPolicyInfo(runtime.Name, null, handle.Policy);
            routes.Add(runtime);
            if (!routesByPolicy.TryGetValue(route.Policy, out var users))
            {
                routesByPolicy[route.Policy] = users = [];
            }

            users.Add(runtime);
        }

        var bindings = ImmutableArray.CreateBuilder<PolicyBinding>(handles.Count);
        foreach (var (file, handle) in handles)
        {
            bindings.Add(new PolicyBinding(file, handle, [.. routesByPolicy[file]], deferred.Contains(file)));
        }

        routes.Sort(static (a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        errors = [];
        var created = new GatewayRuntime(config, listeners.ToImmutable(), admin, [.. routes], bindings.MoveToImmutable(), metrics, beforeBackgroundCompile);
        created.UpdateEngineInfo();
        if (deferred.Count == 0)
        {
            created._upgrade.TrySetResult();
        }

        return created;
    }

    /// <summary>
    /// Makes <paramref name="policy"/> the policy of every route of <paramref name="binding"/>: new exchanges use it at
    /// once, running ones finish on theirs, and the previous policy (returned in <paramref name="previous"/>) is disposed
    /// when its last exchange ends. False when the runtime is disposed; <paramref name="policy"/> is then disposed too.
    /// </summary>
    public bool TryReplacePolicy(PolicyBinding binding, CompiledPolicy policy, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PolicyHandle? previous)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                policy.Dispose();
                previous = null;
                return false;
            }

            var next = new PolicyHandle(policy);
            previous = binding.Current;
            binding.Current = next;
            foreach (var route in binding.Routes)
            {
                route.SwapPolicy(next);
                Metrics.SetPolicyInfo(route.Name, previous.Policy, policy);
            }

            UpdateEngineInfo();
        }

        // Outside the lock: when no exchange holds it, retiring disposes the old policy right here.
        previous.Retire();
        return true;
    }

    /// <summary>
    /// Starts the background Hyperscan compile of the policies that a fast start left on the Regex engine (none: does
    /// nothing). Each is swapped in when ready, with one log line; a failure is logged and the policy stays on Regex.
    /// </summary>
    public void StartDetectorUpgrade(ILogger logger)
    {
        var pending = 0;
        lock (_gate)
        {
            if (_upgradeStarted)
            {
                return;
            }

            _upgradeStarted = true;
            foreach (var binding in Policies)
            {
                pending += binding.UpgradePending ? 1 : 0;
            }

            if (_disposed || pending == 0)
            {
                _upgrade.TrySetResult();
                if (!_disposed && Engine == DetectorEngineKind.Hyperscan)
                {
                    // Compiled before start-up: what the compiler freed is still mapped.
                    ProcessMemory.TrimNativeHeap();
                }

                return;
            }
        }

        LogUpgradeStarted(logger, pending);

        // A thread of its own, not the thread pool: the compile is a few hundred milliseconds of native CPU work that
        // must not hold a worker the request path needs. Background, so it never keeps the process alive.
        var thread = new Thread(static state =>
        {
            var (runtime, log) = ((GatewayRuntime, ILogger))state!;
            runtime.RunDetectorUpgrade(log);
        })
        {
            IsBackground = true,
            Name = "fastmask-hyperscan-compile",
        };
        thread.Start((this, logger));
    }

    private void RunDetectorUpgrade(ILogger logger)
    {
        try
        {
            foreach (var binding in Policies)
            {
                if (binding.UpgradePending)
                {
                    UpgradeToHyperscan(binding, logger);
                }
            }

            if (!Volatile.Read(ref _disposed))
            {
                ProcessMemory.ReleaseStartupMemory();
            }
        }
        finally
        {
            _upgrade.TrySetResult();
        }
    }

    private void UpgradeToHyperscan(PolicyBinding binding, ILogger logger)
    {
        CompiledPolicy source;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            source = binding.Current.Policy;
        }

        var started = Stopwatch.GetTimestamp();
        CompiledPolicy upgraded;
        try
        {
            _beforeBackgroundCompile?.Invoke(binding.File);
            upgraded = WithEngine(source, DetectorEngineKind.Hyperscan);
        }
#pragma warning disable CA1031 // Whatever failed, the policy keeps serving on the Regex engine; an escaped exception would end the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            binding.UpgradeFailure = e.Message;
            LogUpgradeFailed(logger, binding.File, e.GetType().Name, e.Message);
            return;
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (TryReplacePolicy(binding, upgraded, out _))
        {
            LogUpgraded(logger, binding.File, elapsed);
        }
    }

    /// <summary>The same policy with its detector patterns compiled for <paramref name="engine"/>.</summary>
    private static CompiledPolicy WithEngine(CompiledPolicy policy, DetectorEngineKind engine)
    {
        var detector = EntityDetector.Create(policy.Detector.Definitions, engine);
        return new CompiledPolicy(
            policy.ApiVersion,
            policy.Version,
            policy.Levels,
            policy.Entities,
            policy.FieldRules,
            policy.FieldNameRules,
            policy.RequestActions,
            policy.ResponseActions,
            detector,
            policy.HashKey,
            policy.RestoreTokensInResponse,
            policy.Exemptions,
            policy.Risk,
            policy.Limits);
    }

    private void UpdateEngineInfo()
    {
        Span<DetectorEngineKind> engines = stackalloc DetectorEngineKind[Policies.Length];
        for (var i = 0; i < engines.Length; i++)
        {
            engines[i] = Policies[i].Current.Policy.Detector.Engine;
        }

        Metrics.SetEnginesInUse(engines);
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

    private static CompiledPolicy? LoadPolicy(
        string file,
        DetectorEngineKind? engine,
        bool fastStart,
        IDictionary environment,
        string path,
        List<ConfigError> errors,
        out bool upgradeLater)
    {
        upgradeLater = false;
        if (!File.Exists(file))
        {
            errors.Add(new ConfigError(path, "the policy file does not exist"));
            return null;
        }

        if (fastStart)
        {
            // Regex first; whether the document itself names an engine is known only once it is read. Any problem
            // falls through to the compile below, which reports what the requested engine finds.
            var quick = TryCompile(file, DetectorEngineKind.Regex, environment, out _);
            if (quick?.Policy is { } policy && quick.Errors.IsDefaultOrEmpty)
            {
                var documentEngine = ScannerFactory.TryParse(quick.Document?.Detectors?.Engine, out var named) ? named : DetectorEngineKind.Auto;
                if (engine == DetectorEngineKind.Auto || documentEngine == DetectorEngineKind.Auto)
                {
                    upgradeLater = true;
                    return policy;
                }

                if (documentEngine == DetectorEngineKind.Regex)
                {
                    return policy;
                }
            }

            quick?.Policy?.Dispose();
        }

        var result = TryCompile(file, engine, environment, out var failure);
        if (result is null)
        {
            errors.Add(new ConfigError(path, $"cannot load the policy: {failure}"));
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

    private static PolicyCompileResult? TryCompile(string file, DetectorEngineKind? engine, IDictionary environment, out string? failure)
    {
        try
        {
            failure = null;
            return PolicyLoader.LoadFile(file, new PolicyCompileOptions
            {
                Engine = engine,
                GetEnvironmentVariable = name => environment[name] as string,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PatternCompileException)
        {
            failure = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Releases the routes and policies. Exchanges still running keep their policy until they end. A background compile
    /// still running is not waited for: its result is disposed when it finishes.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!_upgradeStarted)
            {
                _upgrade.TrySetResult();
            }
        }

        foreach (var route in Routes)
        {
            route.Dispose();
        }

        foreach (var binding in Policies)
        {
            binding.Current.Retire();
        }

        foreach (var listener in Listeners)
        {
            listener.Certificate?.Dispose();
        }

        Admin?.Certificate?.Dispose();
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Compiling the Hyperscan detectors of {Count} policy file(s) in the background; serving with the Regex detector engine meanwhile")]
    private static partial void LogUpgradeStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Detector engine hyperscan for policy {Policy} compiled in {Milliseconds} ms and swapped in")]
    private static partial void LogUpgraded(ILogger logger, string policy, long milliseconds);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Hyperscan compile of policy {Policy} failed ({ExceptionType}: {Reason}); it keeps serving on the Regex detector engine")]
    private static partial void LogUpgradeFailed(ILogger logger, string policy, string exceptionType, string reason);
}

/// <summary>One policy file, the routes that use it, and the compiled policy they get now.</summary>
internal sealed class PolicyBinding(string file, PolicyHandle current, ImmutableArray<RouteRuntime> routes, bool upgradePending)
{
    private PolicyHandle _current = current;

    /// <summary>The policy file as the config names it.</summary>
    public string File { get; } = file;

    /// <summary>Replaced under the runtime's lock; read without it by metrics and diagnostics.</summary>
    public PolicyHandle Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    public ImmutableArray<RouteRuntime> Routes { get; } = routes;

    /// <summary>Compiled with the Regex engine by a fast start; the background compile replaces it with Hyperscan.</summary>
    public bool UpgradePending { get; } = upgradePending;

    /// <summary>Why the background Hyperscan compile failed; null when it did not (or has not run).</summary>
    public string? UpgradeFailure { get; set; }
}
