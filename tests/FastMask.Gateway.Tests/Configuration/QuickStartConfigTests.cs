using System.Collections;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Serve;

namespace FastMask.Gateway.Tests.Configuration;

/// <summary>The config the quick-start ships must load, validate and find its policy.</summary>
public sealed class QuickStartConfigTests
{
    [Fact]
    public void ShippedGatewayConfig_LoadsAndBuilds()
    {
        var file = Path.Combine(RepositoryRoot(), "deploy", "gateway.json");
        var environment = new Hashtable { ["OPENAI_API_KEY"] = "sk-quick-start", [Masking.Detection.ScannerFactory.EngineEnvironmentVariable] = "regex" };

        var loaded = GatewayConfigLoader.LoadFile(file, environment);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Errors));
        using var runtime = GatewayRuntime.Create(loaded.Config!, environment, out var errors);

        Assert.Empty(errors);
        Assert.Equal("http://127.0.0.1:8080", loaded.Config!.Listeners[0].Url);
        Assert.Equal("http://127.0.0.1:9090", loaded.Config.Admin!.Url);
        var route = Assert.Single(runtime!.Routes);
        Assert.Equal("/v1", route.Prefix);
        Assert.Equal("Authorization", route.Credential!.Header);
        Assert.Equal("Bearer sk-quick-start", route.Credential.GetValue());
        Assert.EndsWith(Path.Combine("policies", "default.json"), loaded.Config.Routes[0].Policy, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastMask.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FastMask.sln not found above the test binaries");
    }
}
