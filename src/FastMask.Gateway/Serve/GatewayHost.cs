using System.Collections;
using System.Collections.Immutable;
using System.Net;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Operations;
using FastMask.Gateway.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastMask.Gateway.Serve;

/// <summary>Thrown by <see cref="GatewayHost.StartAsync"/> when the config or a file it names is invalid.</summary>
public sealed class GatewayConfigException(ImmutableArray<ConfigError> errors)
    : Exception("The gateway configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public ImmutableArray<ConfigError> Errors { get; } = errors;
}

/// <summary>Options for hosting that are not part of the config file.</summary>
public sealed record GatewayHostOptions
{
    /// <summary>Environment for credentials and overrides; the process environment when null.</summary>
    public IDictionary? Environment { get; init; }

    /// <summary>Log to the console (the default for <c>fastmask serve</c>); tests turn it off.</summary>
    public bool ConsoleLogging { get; init; } = true;

    /// <summary>Minimum level for the gateway's own log categories.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>An extra log sink (tests read what the gateway logs).</summary>
    public ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>
    /// With the detector engine left to <c>auto</c> and Hyperscan available: serve with the Regex engine at once and
    /// swap in the Hyperscan detectors when a background thread has compiled them. An engine named by the config, the
    /// environment or the policy is compiled before the gateway starts, as is everything when this is off.
    /// </summary>
    public bool FastStart { get; init; } = true;

    /// <summary>Runs on the background compile thread before each policy's Hyperscan compile (tests hold or fail it).</summary>
    internal Action<string>? BeforeBackgroundCompile { get; init; }
}

/// <summary>
/// A running gateway: the data-plane Kestrel app and the admin Kestrel app, started from a config. Used by
/// <c>fastmask serve</c> and, in process on port 0, by the functional tests.
/// </summary>
public sealed partial class GatewayHost : IAsyncDisposable
{
    private readonly GatewayRuntime _runtime;
    private readonly WebApplication _data;
    private readonly WebApplication? _admin;
    private readonly ILogger _logger;
    private int _stopped;

    private GatewayHost(GatewayRuntime runtime, WebApplication data, WebApplication? admin, ILogger logger)
    {
        _runtime = runtime;
        _data = data;
        _admin = admin;
        _logger = logger;
    }

    /// <summary>Data-plane addresses as bound (port 0 resolved).</summary>
    public ImmutableArray<Uri> DataUrls { get; private set; } = [];

    /// <summary>Admin address as bound; null without an admin listener.</summary>
    public Uri? AdminUrl { get; private set; }

    public bool IsDraining => _runtime.State.IsDraining;

    internal GatewayRuntime Runtime => _runtime;

    /// <summary>Validates <paramref name="config"/>, loads what it names, binds every listener and starts serving.</summary>
    /// <exception cref="GatewayConfigException">The config (or a policy, credential or certificate it names) is invalid.</exception>
    public static async Task<GatewayHost> StartAsync(GatewayConfig config, GatewayHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GatewayHostOptions();
        var runtime = GatewayRuntime.Create(config, options.Environment ?? System.Environment.GetEnvironmentVariables(), out var errors, options.FastStart, options.BeforeBackgroundCompile)
            ?? throw new GatewayConfigException(errors);

        WebApplication? data = null;
        WebApplication? admin = null;
        try
        {
            data = BuildApp(runtime, runtime.Listeners, options, isAdmin: false);
            var logger = data.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FastMask.Gateway");
            var proxy = new ProxyHandler(runtime, logger);
            foreach (var route in runtime.Routes)
            {
                var routeName = route.Name;
                if (route.Credential is { } credential)
                {
                    credential.RefreshFailed += _ => LogCredentialRefreshFailed(logger, routeName);
                }
            }

            data.Run(proxy.InvokeAsync);

            if (runtime.Admin is { } adminListener)
            {
                admin = BuildApp(runtime, [adminListener], options, isAdmin: true);
                admin.Run(new AdminEndpoints(runtime).InvokeAsync);
            }

            await data.StartAsync(cancellationToken);
            if (admin is not null)
            {
                await admin.StartAsync(cancellationToken);
            }

            var host = new GatewayHost(runtime, data, admin, logger)
            {
                DataUrls = Addresses(data),
                AdminUrl = admin is null ? null : Addresses(admin)[0],
            };
            runtime.State.MarkReady();
            var dataText = string.Join(", ", host.DataUrls);
            var adminText = host.AdminUrl?.ToString() ?? "none";
            var engineText = runtime.Engine.ToString().ToLowerInvariant();
            LogStarted(logger, dataText, adminText, engineText, runtime.Routes.Length);
            runtime.StartDetectorUpgrade(logger);
            return host;
        }
        catch
        {
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }

            if (data is not null)
            {
                await data.DisposeAsync();
            }

            runtime.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Graceful shutdown: new requests get 503 and <c>/readyz</c> turns 503; the data listeners stop accepting; in-flight
    /// requests finish, for up to <see cref="GatewayConfig.ShutdownTimeoutSeconds"/> (then their connections are
    /// closed); the admin listener stops last.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _runtime.State.BeginDrain();
        LogDraining(_logger, _runtime.Config.ShutdownTimeoutSeconds);
        await _data.StopAsync(cancellationToken);
        if (_admin is not null)
        {
            await _admin.StopAsync(cancellationToken);
        }

        LogStopped(_logger);
    }

    /// <summary>Marks the gateway as draining without stopping the listeners (what SIGTERM does first).</summary>
    public void BeginDrain() => _runtime.State.BeginDrain();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _data.DisposeAsync();
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        _runtime.Dispose();
    }

    private static WebApplication BuildApp(GatewayRuntime runtime, ImmutableArray<ListenerRuntime> listeners, GatewayHostOptions options, bool isAdmin)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "fastmask" });

        // Only the gateway's config file configures the gateway: no appsettings.json or ASPNETCORE_URLS surprises.
        builder.Configuration.Sources.Clear();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(runtime.Config.ShutdownTimeoutSeconds));

        // Signals are handled once, by `fastmask serve`, which drains the data plane before the admin listener.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();

        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }

        if (options.LoggerProvider is { } provider)
        {
            builder.Logging.AddProvider(provider);
        }

        // Framework categories log request lines (with paths and query strings) at Information: keep them quiet, so no
        // log line carries request data.
        builder.Logging.SetMinimumLevel(options.MinimumLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);

        // With this category enabled at any level, ASP.NET Core starts an Activity and a logging scope for every
        // request (and prometheus-net would then read trace ids for exemplars): pure per-request cost, since the
        // gateway logs its own events and request lines are never logged.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Per-route limits are enforced by the gateway itself (with an OpenAI-style 413), so Kestrel's own is off.
            kestrel.Limits.MaxRequestBodySize = isAdmin ? 1024 : null;
            foreach (var listener in listeners)
            {
                Listen(kestrel, listener);
            }
        });

        return builder.Build();
    }

    private static void Listen(KestrelServerOptions kestrel, ListenerRuntime listener)
    {
        var address = listener.Address;
        Action<ListenOptions> configure = options =>
        {
            // HTTP/2 needs TLS (ALPN) in practice; a cleartext listener speaks HTTP/1.1 only, without Kestrel warning about it.
            options.Protocols = listener.Certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            if (listener.Certificate is { } certificate)
            {
                options.UseHttps(certificate);
            }
        };

        switch (address.Kind)
        {
            case ListenHostKind.Any:
                kestrel.ListenAnyIP(address.Port, configure);
                break;
            case ListenHostKind.Localhost when address.Port != 0:
                kestrel.ListenLocalhost(address.Port, configure);
                break;
            case ListenHostKind.Localhost:
                // Kestrel cannot pick one free port for both loopback addresses; IPv4 loopback it is.
                kestrel.Listen(IPAddress.Loopback, 0, configure);
                break;
            default:
                kestrel.Listen(address.Address!, address.Port, configure);
                break;
        }
    }

    private static ImmutableArray<Uri> Addresses(WebApplication app)
    {
        var feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        var result = ImmutableArray.CreateBuilder<Uri>();
        foreach (var address in feature?.Addresses ?? [])
        {
            result.Add(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute));
        }

        return result.ToImmutable();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Gateway listening on {Data} (admin {Admin}); detector engine {Engine}; {Routes} routes")]
    private static partial void LogStarted(ILogger logger, string data, string admin, string engine, int routes);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Draining: finishing in-flight requests for up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Gateway stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The credential file of route {Route} changed but could not be read; the previous credential stays in use")]
    private static partial void LogCredentialRefreshFailed(ILogger logger, string route);

    /// <summary>A host lifetime that does not subscribe to SIGTERM/SIGINT: the serve command owns the shutdown order.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
