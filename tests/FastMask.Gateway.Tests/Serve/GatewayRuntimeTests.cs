using System.Collections;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Serve;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Serve;

public sealed class GatewayRuntimeTests
{
    [Fact]
    public void Create_FilesMissingOrInvalid_ReportsEveryOneWithItsPath()
    {
        using var dir = new TempDirectory();
        var goodPolicy = dir.Write("good.json", TestPolicies.Redact);
        var badPolicy = dir.Write("bad.json", """{ "apiVersion": "v0" }""");
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Url = "https://127.0.0.1:0", Certificate = new CertificateConfig { Path = Path.Combine(dir.Path, "missing.crt") } }],
            Routes =
            [
                new RouteConfig { Name = "a", PathPrefix = "/a", Upstream = "http://127.0.0.1:1", Policy = Path.Combine(dir.Path, "missing.json") },
                new RouteConfig { Name = "b", PathPrefix = "/b", Upstream = "http://127.0.0.1:1", Policy = badPolicy },
                new RouteConfig
                {
                    Name = "c", PathPrefix = "/c", Upstream = "http://127.0.0.1:1", Policy = goodPolicy,
                    Credential = new CredentialConfig { Header = "Authorization", Env = "NOT_SET_ANYWHERE" },
                },
                new RouteConfig
                {
                    Name = "d", PathPrefix = "/d", Upstream = "http://127.0.0.1:1", Policy = goodPolicy,
                    Credential = new CredentialConfig { Header = "api-key", File = Path.Combine(dir.Path, "missing.key") },
                },
            ],
        };

        var runtime = GatewayRuntime.Create(config, new Hashtable(), out var errors);

        Assert.Null(runtime);
        var paths = errors.Select(e => e.Path).Distinct().ToArray();
        Assert.Equal(
            ["$.listeners[0].certificate", "$.routes[0].policy", "$.routes[1].policy", "$.routes[2].credential", "$.routes[3].credential"],
            paths);
        Assert.Contains(errors, e => e.Path == "$.routes[1].policy" && e.Message.StartsWith("$.", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.routes[2].credential" && e.Message.Contains("NOT_SET_ANYWHERE", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_CredentialWithLineBreak_IsRefusedWithoutEchoingIt()
    {
        using var dir = new TempDirectory();
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Url = "http://127.0.0.1:0" }],
            Routes =
            [
                new RouteConfig
                {
                    PathPrefix = "/v1", Upstream = "http://127.0.0.1:1", Policy = dir.Write("p.json", TestPolicies.Redact),
                    Credential = new CredentialConfig { Header = "Authorization", Env = "KEY" },
                },
            ],
        };

        var runtime = GatewayRuntime.Create(config, new Hashtable { ["KEY"] = "sk-abc\r\nX-Evil: 1" }, out var errors);

        Assert.Null(runtime);
        var error = Assert.Single(errors);
        Assert.Equal("$.routes[0].credential", error.Path);
        Assert.DoesNotContain("sk-abc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Valid_OrdersRoutesLongestPrefixFirst()
    {
        using var dir = new TempDirectory();
        var policy = dir.Write("p.json", TestPolicies.Redact);
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Url = "http://127.0.0.1:0" }],
            Routes =
            [
                new RouteConfig { Name = "root", PathPrefix = "/", Upstream = "http://127.0.0.1:1", Policy = policy },
                new RouteConfig { Name = "v1", PathPrefix = "/v1", Upstream = "http://127.0.0.1:2", Policy = policy },
                new RouteConfig { Name = "chat", PathPrefix = "/v1/chat", Upstream = "http://127.0.0.1:3", Policy = policy },
            ],
        };

        using var runtime = GatewayRuntime.Create(config, new Hashtable(), out var errors);

        Assert.Empty(errors);
        Assert.Equal("chat", runtime!.Match("/v1/chat/completions")!.Name);
        Assert.Equal("v1", runtime.Match("/v1/embeddings")!.Name);
        Assert.Equal("v1", runtime.Match("/v1")!.Name);
        Assert.Equal("root", runtime.Match("/v10")!.Name);
        Assert.Equal("root", runtime.Match("/v1chat")!.Name);
    }
}
