using System.Collections;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Serve;

namespace FastMask.Gateway.Tests.TestEnvironment;

/// <summary>
/// A gateway started in process on Kestrel port 0 in front of a <see cref="RecordingUpstream"/>, with a client that
/// talks to it over real sockets. Route "openai": <c>/v1</c> → the upstream, credential <c>Authorization: Bearer
/// sk-route-credential-123</c> from an environment variable, policy <see cref="TestPolicies.Redact"/>.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public const string CredentialVariable = "TEST_UPSTREAM_KEY";
    public const string CredentialValue = "sk-route-credential-123";

    private TestGateway(GatewayHost host, TempDirectory directory)
    {
        Host = host;
        Directory = directory;
        Client = CreateClient(host.DataUrls[0]);
        Admin = host.AdminUrl is null ? null : CreateClient(host.AdminUrl);
    }

    public GatewayHost Host { get; }

    public TempDirectory Directory { get; }

    public HttpClient Client { get; }

    public HttpClient? Admin { get; }

    public static RouteConfig DefaultRoute(Uri upstream, string policyPath) => new()
    {
        Name = "openai",
        PathPrefix = "/v1",
        Upstream = upstream.ToString(),
        Policy = policyPath,
        Credential = new CredentialConfig { Header = "Authorization", Prefix = "Bearer ", Env = CredentialVariable },
    };

    public static async Task<TestGateway> StartAsync(
        Uri upstream,
        Func<RouteConfig, TempDirectory, RouteConfig>? route = null,
        Func<GatewayConfig, GatewayConfig>? configure = null,
        string policy = TestPolicies.Redact,
        IDictionary? environment = null,
        Microsoft.Extensions.Logging.ILoggerProvider? logs = null,
        Func<GatewayHostOptions, GatewayHostOptions>? hostOptions = null)
    {
        var directory = new TempDirectory();
        try
        {
            var policyPath = directory.Write("policy.json", policy);
            var routeConfig = DefaultRoute(upstream, policyPath);
            routeConfig = route?.Invoke(routeConfig, directory) ?? routeConfig;
            var config = new GatewayConfig
            {
                Listeners = [new ListenerConfig { Url = "http://127.0.0.1:0" }],
                Admin = new ListenerConfig { Url = "http://127.0.0.1:0" },
                Routes = [routeConfig],
                ShutdownTimeoutSeconds = 30,
            };
            config = configure?.Invoke(config) ?? config;
            environment ??= new Hashtable { [CredentialVariable] = CredentialValue };
            var options = new GatewayHostOptions { Environment = environment, ConsoleLogging = false, LoggerProvider = logs, MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Debug };
            var host = await GatewayHost.StartAsync(config, hostOptions?.Invoke(options) ?? options);
            return new TestGateway(host, directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>A client with no proxy, cookies or decompression; <paramref name="trusted"/> is the only server certificate accepted for https.</summary>
    public static HttpClient CreateClient(Uri baseAddress, X509Certificate2? trusted = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
        };
        if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == trusted.Thumbprint;
        }

        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin?.Dispose();
        await Host.DisposeAsync();
        Directory.Dispose();
    }
}

/// <summary>A temporary folder for policy, credential and certificate files, deleted at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastmask-gw-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
