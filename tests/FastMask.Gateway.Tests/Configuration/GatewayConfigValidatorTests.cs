using FastMask.Gateway.Configuration;

namespace FastMask.Gateway.Tests.Configuration;

public sealed class GatewayConfigValidatorTests
{
    private static readonly RouteConfig s_route = new() { PathPrefix = "/v1", Upstream = "http://127.0.0.1:8081", Policy = "/p.json" };

    private static readonly GatewayConfig s_valid = new()
    {
        Listeners = [new ListenerConfig { Url = "http://127.0.0.1:8080" }],
        Admin = new ListenerConfig { Url = "http://127.0.0.1:9090" },
        Routes = [s_route],
    };

    [Fact]
    public void Validate_Valid_HasNoErrors()
    {
        Assert.Empty(GatewayConfigValidator.Validate(s_valid));
    }

    [Fact]
    public void Validate_Empty_RequiresListenersAndRoutes()
    {
        var errors = GatewayConfigValidator.Validate(new GatewayConfig());

        Assert.Equal(["$.listeners", "$.routes"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_BrokenRoute_ReportsEveryProblemWithItsPath()
    {
        var config = s_valid with
        {
            Routes =
            [
                s_route,
                new RouteConfig
                {
                    Name = "bad name!",
                    PathPrefix = "v2",
                    Methods = ["PO ST"],
                    Upstream = "ftp://x",
                    Credential = new CredentialConfig { Header = "Connection", Env = "A", File = "/b" },
                    Timeouts = new TimeoutConfig { ConnectSeconds = 0, ResponseSeconds = -1, IdleSeconds = 1e9 },
                    Limits = new LimitConfig { MaxRequestBodyBytes = 0, MaxResponseBodyBytes = long.MaxValue },
                    PassThroughContentTypes = ["audio", "application/json"],
                    StripRequestHeaders = ["bad header"],
                },
            ],
        };

        var errors = GatewayConfigValidator.Validate(config).Select(e => e.Path).ToArray();

        Assert.Equal(
            [
                "$.routes[1].pathPrefix",
                "$.routes[1].name",
                "$.routes[1].methods[0]",
                "$.routes[1].upstream",
                "$.routes[1].policy",
                "$.routes[1].credential.header",
                "$.routes[1].credential",
                "$.routes[1].timeouts.connectSeconds",
                "$.routes[1].timeouts.responseSeconds",
                "$.routes[1].timeouts.idleSeconds",
                "$.routes[1].limits.maxRequestBodyBytes",
                "$.routes[1].limits.maxResponseBodyBytes",
                "$.routes[1].passThroughContentTypes[0]",
                "$.routes[1].passThroughContentTypes[1]",
                "$.routes[1].stripRequestHeaders[0]",
            ],
            errors);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8443", "$.listeners[0].certificate")]
    [InlineData("http://127.0.0.1", "$.listeners[0].url")]
    [InlineData("http://example.com:80", "$.listeners[0].url")]
    [InlineData("http://127.0.0.1:8080/path", "$.listeners[0].url")]
    [InlineData("tcp://127.0.0.1:8080", "$.listeners[0].url")]
    [InlineData("http://127.0.0.1:70000", "$.listeners[0].url")]
    [InlineData("http://127.0.0.1:9090", "$.admin.url")]
    public void Validate_BadListener_IsReported(string url, string path)
    {
        var config = s_valid with { Listeners = [new ListenerConfig { Url = url }] };

        Assert.Equal(path, Assert.Single(GatewayConfigValidator.Validate(config)).Path);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-address")]
    [InlineData("")]
    [InlineData("fd00::/129")]
    [InlineData("10.1")]
    [InlineData("10.1/8")]
    public void TrustedProxies_Invalid_ReportsItsPath(string entry)
    {
        var config = s_valid with { TrustedProxies = ["127.0.0.1", entry] };

        Assert.Equal("$.trustedProxies[1]", Assert.Single(GatewayConfigValidator.Validate(config)).Path);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.0/8")]
    [InlineData("::1")]
    [InlineData("fd00::/8")]
    [InlineData("::ffff:10.0.0.1")]
    public void TrustedProxies_AddressOrRange_IsValid(string entry)
    {
        Assert.Empty(GatewayConfigValidator.Validate(s_valid with { TrustedProxies = [entry] }));
    }

    [Theory]
    [InlineData("http://*:8080")]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public void Validate_ListenerForms_AreAccepted(string url)
    {
        Assert.Empty(GatewayConfigValidator.Validate(s_valid with { Listeners = [new ListenerConfig { Url = url }] }));
    }

    [Fact]
    public void Validate_DuplicatePrefixes_AreReported()
    {
        var config = s_valid with { Routes = [s_route, s_route with { Name = "second", PathPrefix = "/v1/" }] };

        var error = Assert.Single(GatewayConfigValidator.Validate(config));
        Assert.Equal("$.routes[1].pathPrefix", error.Path);
    }

    [Fact]
    public void Validate_UpstreamWithUserInfo_IsRefused()
    {
        var config = s_valid with { Routes = [s_route with { Upstream = "https://user:secret@api.example.com" }] };

        var error = Assert.Single(GatewayConfigValidator.Validate(config));
        Assert.Equal("$.routes[0].upstream", error.Path);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
