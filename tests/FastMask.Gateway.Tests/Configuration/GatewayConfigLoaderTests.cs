using System.Collections;
using FastMask.Gateway.Configuration;

namespace FastMask.Gateway.Tests.Configuration;

public sealed class GatewayConfigLoaderTests
{
    private const string Valid = """
        {
          // comments are allowed
          "listeners": [ { "url": "http://127.0.0.1:8080" } ],
          "admin": { "url": "http://127.0.0.1:9090" },
          "routes": [
            {
              "name": "openai",
              "pathPrefix": "/v1",
              "methods": ["GET", "POST"],
              "upstream": "https://api.example.com",
              "credential": { "header": "Authorization", "prefix": "Bearer ", "env": "OPENAI_API_KEY" },
              "policy": "policies/default.json",
              "timeouts": { "responseSeconds": 60 },
              "limits": { "maxRequestBodyBytes": 1048576 },
            },
          ],
        }
        """;

    [Fact]
    public void Load_ValidConfig_ReadsEverySettingAndResolvesPaths()
    {
        var result = GatewayConfigLoader.Load(Valid, "/etc/fastmask", new Hashtable());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var config = result.Config!;
        Assert.Equal("http://127.0.0.1:8080", Assert.Single(config.Listeners).Url);
        Assert.Equal("http://127.0.0.1:9090", config.Admin!.Url);
        var route = Assert.Single(config.Routes);
        Assert.Equal("openai", route.Name);
        Assert.Equal(["GET", "POST"], route.Methods.ToArray());
        Assert.Equal("/etc/fastmask/policies/default.json", route.Policy);
        Assert.Equal("OPENAI_API_KEY", route.Credential!.Env);
        Assert.Equal(60, route.Timeouts.ResponseSeconds);
        Assert.Equal(10, route.Timeouts.ConnectSeconds);
        Assert.Equal(1048576, route.Limits.MaxRequestBodyBytes);
        Assert.Equal(64 * 1024 * 1024, route.Limits.MaxResponseBodyBytes);
        Assert.Empty(GatewayConfigValidator.Validate(config));
    }

    [Fact]
    public void Load_UnknownSettingsAndWrongTypes_ReportsEveryOneWithItsPath()
    {
        const string json = """
            {
              "listeners": [ { "url": 8080, "port": 1 } ],
              "shutdownTimeoutSeconds": "soon",
              "routes": [ { "pathPrefix": "/v1", "methods": "POST", "limits": { "maxRequestBodyBytes": "big" } } ],
              "colour": "blue"
            }
            """;

        var result = GatewayConfigLoader.Load(json, "/", new Hashtable());

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "$.listeners[0].url: expected a string",
                "$.listeners[0].port: unknown setting",
                "$.shutdownTimeoutSeconds: expected a number",
                "$.routes[0].methods: expected an array",
                "$.routes[0].limits.maxRequestBodyBytes: expected a number",
                "$.colour: unknown setting",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_NotJson_ReportsPosition()
    {
        var result = GatewayConfigLoader.Load("{\n  \"listeners\": [,]\n}", "/", new Hashtable());

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_Missing_ReportsRoot()
    {
        var result = GatewayConfigLoader.LoadFile("/nonexistent/fastmask/gateway.json", new Hashtable());

        Assert.Equal("$", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Load_PathOverride_ReplacesStringSetting()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable { ["FASTMASK__ROUTES__0__UPSTREAM"] = "http://model:8000" });

        Assert.Equal("http://model:8000", result.Config!.Routes[0].Upstream);
    }

    [Fact]
    public void Load_PathOverride_TypesNumbersAndArrays()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable
        {
            ["FASTMASK__SHUTDOWNTIMEOUTSECONDS"] = "5",
            ["FASTMASK__ROUTES__0__LIMITS__MAXRESPONSEBODYBYTES"] = "2048",
            ["FASTMASK__ROUTES__0__METHODS"] = "[\"POST\"]",
            ["FASTMASK__ROUTES__0__CREDENTIAL__ENV"] = "123",
            ["FASTMASK__TRUSTEDPROXIES"] = "[\"10.0.0.0/8\", \"fd00::/8\"]",
        });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(["10.0.0.0/8", "fd00::/8"], result.Config!.TrustedProxies.ToArray());
        Assert.Equal(5, result.Config!.ShutdownTimeoutSeconds);
        Assert.Equal(2048, result.Config.Routes[0].Limits.MaxResponseBodyBytes);
        Assert.Equal(["POST"], result.Config.Routes[0].Methods.ToArray());
        Assert.Equal("123", result.Config.Routes[0].Credential!.Env);
    }

    [Fact]
    public void Load_PathOverride_AppendsArrayItem()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable
        {
            ["FASTMASK__ROUTES__1__PATHPREFIX"] = "/v2",
            ["FASTMASK__ROUTES__1__UPSTREAM"] = "http://other:9000",
            ["FASTMASK__ROUTES__1__POLICY"] = "p.json",
        });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Config!.Routes.Length);
        Assert.Equal("/v2", result.Config.Routes[1].PathPrefix);
        Assert.Equal("http://other:9000", result.Config.Routes[1].Upstream);
    }

    [Fact]
    public void Load_PathOverridePastEndOfArray_IsError()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable { ["FASTMASK__ROUTES__5__UPSTREAM"] = "http://x" });

        var error = Assert.Single(result.Errors);
        Assert.Equal("env:FASTMASK__ROUTES__5__UPSTREAM", error.Path);
        Assert.Contains("past the end of $.routes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PathOverrideOfUnknownSetting_IsReportedAsUnknown()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable { ["FASTMASK__ROUTES__0__UPSTREEM"] = "http://x" });

        Assert.Equal("$.routes[0].UPSTREEM: unknown setting", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_ListenShortcuts_ReplaceListenersAndAdmin()
    {
        var result = GatewayConfigLoader.Load(Valid, "/", new Hashtable
        {
            ["FASTMASK_LISTEN"] = "http://0.0.0.0:8080, https://0.0.0.0:8443",
            ["FASTMASK_ADMIN_LISTEN"] = "http://0.0.0.0:9091",
        });

        Assert.True(result.Errors.IsEmpty);
        Assert.Equal(["http://0.0.0.0:8080", "https://0.0.0.0:8443"], result.Config!.Listeners.Select(l => l.Url));
        Assert.Equal("http://0.0.0.0:9091", result.Config.Admin!.Url);
    }
}
