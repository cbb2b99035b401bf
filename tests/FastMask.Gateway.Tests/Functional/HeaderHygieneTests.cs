using System.Collections.Immutable;
using System.Text;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

public sealed class HeaderHygieneTests : GatewayTestBase
{
    internal override Task<TestGateway> StartGatewayAsync(Uri upstream) =>
        TestGateway.StartAsync(
            upstream,
            route: static (r, _) => r with { StripRequestHeaders = ["X-Internal-Route-Secret"] },
            configure: static c => c with { StripRequestHeaders = ["X-Tenant-Token"] });

    [Fact]
    public async Task CallerCredentials_AreNeverForwarded_RouteCredentialIsInjected()
    {
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer caller-secret-1");
        request.Headers.TryAddWithoutValidation("Cookie", "session=caller-secret-2");
        request.Headers.TryAddWithoutValidation("x-api-key", "caller-secret-3");
        request.Headers.TryAddWithoutValidation("api-key", "caller-secret-4");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic caller-secret-5");
        request.Headers.TryAddWithoutValidation("X-Tenant-Token", "caller-secret-6");
        request.Headers.TryAddWithoutValidation("X-Internal-Route-Secret", "caller-secret-7");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await Gateway.Client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Equal("Bearer " + TestGateway.CredentialValue, received.Header("Authorization"));
        foreach (var header in received.Headers)
        {
            Assert.DoesNotContain("caller-secret", header.Value, StringComparison.Ordinal);
        }

        Assert.Null(received.Header("Cookie"));
        Assert.Null(received.Header("x-api-key"));
        Assert.Null(received.Header("X-Tenant-Token"));
        Assert.Null(received.Header("X-Internal-Route-Secret"));
        Assert.Equal("kept", received.Header("X-Custom"));
    }

    [Fact]
    public async Task HopByHopHeaders_AreDropped()
    {
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("Connection", "X-Hop-Listed");
        request.Headers.TryAddWithoutValidation("X-Hop-Listed", "drop me");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("TE", "trailers");

        using var response = await Gateway.Client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Null(received.Header("X-Hop-Listed"));
        Assert.Null(received.Header("Keep-Alive"));
        Assert.Null(received.Header("Upgrade"));
        Assert.Null(received.Header("TE"));
    }

    [Fact]
    public async Task RequestId_IsGeneratedForwardedAndReturned()
    {
        using var response = await Gateway.Client.SendAsync(Chat());

        var returned = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", returned);
        Assert.Equal(returned, Upstream.Single().Header("X-Request-Id"));
    }

    [Fact]
    public async Task RequestId_FromCaller_IsPropagated()
    {
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("X-Request-Id", "trace-abc.123");

        using var response = await Gateway.Client.SendAsync(request);

        Assert.Equal("trace-abc.123", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal("trace-abc.123", Upstream.Single().Header("X-Request-Id"));
    }

    [Fact]
    public async Task RequestId_WithOddCharacters_IsReplaced()
    {
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("X-Request-Id", "mail jane.doe@example.com");

        using var response = await Gateway.Client.SendAsync(request);

        var returned = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", returned);
        Assert.Equal(returned, Upstream.Single().Header("X-Request-Id"));
    }

    [Fact]
    public async Task ForwardedHeaders_AreSetByTheGateway()
    {
        using var request = Chat();
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "gopher");

        using var response = await Gateway.Client.SendAsync(request);

        var received = Upstream.Single();
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal("identity", received.Header("Accept-Encoding"));
        Assert.Equal(Upstream.Url.Authority, received.Header("Host"));
    }

    [Theory]
    [InlineData("127.0.0.0/8")]
    [InlineData("127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task ForwardedHeaders_FromATrustedProxy_AreKeptAndThePeerAppended(string trusted)
    {
        var received = await ForwardThroughAsync(
            ["10.0.0.0/8", trusted],
            ("X-Forwarded-For", "203.0.113.7, 10.1.2.3"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "api.example.com"),
            ("X-Real-IP", "203.0.113.7"));

        Assert.Equal("203.0.113.7, 10.1.2.3, 127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("https", received.Header("X-Forwarded-Proto"));
        Assert.Equal("api.example.com", received.Header("X-Forwarded-Host"));
        Assert.Equal("203.0.113.7", received.Header("X-Real-IP"));
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnUntrustedPeer_AreReplaced()
    {
        var received = await ForwardThroughAsync(
            ["10.0.0.0/8"],
            ("X-Forwarded-For", "203.0.113.7"),
            ("X-Forwarded-Host", "api.example.com"),
            ("X-Real-IP", "203.0.113.7"),
            ("True-Client-IP", "203.0.113.7"),
            ("X-Forwarded-Port", "443"),
            ("Forwarded", "for=203.0.113.7"));

        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Null(received.Header("X-Real-IP"));
        Assert.Null(received.Header("True-Client-IP"));
        Assert.Null(received.Header("X-Forwarded-Port"));
        Assert.Null(received.Header("Forwarded"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.NotEqual("api.example.com", received.Header("X-Forwarded-Host"));
    }

    /// <summary>Sends a chat request with <paramref name="headers"/> through a gateway that trusts <paramref name="trustedProxies"/>.</summary>
    private async Task<RecordedRequest> ForwardThroughAsync(ImmutableArray<string> trustedProxies, params (string Name, string Value)[] headers)
    {
        await using var gateway = await TestGateway.StartAsync(Upstream.Url, configure: c => c with { TrustedProxies = trustedProxies });
        using var request = Chat();
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return Upstream.Single();
    }

    [Fact]
    public async Task ResponseHeaders_FromUpstream_ArePassedExceptHopByHop()
    {
        Upstream.Respond = static async (context, _) =>
        {
            context.Response.Headers["X-Upstream-Note"] = "hello";
            context.Response.Headers["openai-processing-ms"] = "12";
            await RecordingUpstream.Json(context, 200, "{}");
        };

        using var response = await Gateway.Client.SendAsync(Chat());

        Assert.Equal("hello", Assert.Single(response.Headers.GetValues("X-Upstream-Note")));
        Assert.Equal("12", Assert.Single(response.Headers.GetValues("openai-processing-ms")));
    }

    [Fact]
    public async Task CredentialFile_RotatedWhileRunning_IsPickedUp()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        string credentialFile = null!;
        await using var gateway = await TestGateway.StartAsync(upstream.Url, route: (r, dir) =>
        {
            credentialFile = dir.Write("upstream.key", "key-one\n");
            return r with { Credential = new CredentialConfig { Header = "api-key", File = credentialFile, RefreshSeconds = 0 } };
        });

        using (await gateway.Client.SendAsync(Chat()))
        {
        }

        await File.WriteAllTextAsync(credentialFile, "key-two-after-rotation\n");
        using (await gateway.Client.SendAsync(Chat()))
        {
        }

        var received = upstream.Requests.ToArray();
        Assert.Equal(2, received.Length);
        Assert.Equal("key-one", received[0].Header("api-key"));
        Assert.Equal("key-two-after-rotation", received[1].Header("api-key"));
    }

    [Fact]
    public async Task CredentialFile_DeletedWhileRunning_KeepsLastGoodValue()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        string credentialFile = null!;
        await using var gateway = await TestGateway.StartAsync(upstream.Url, route: (r, dir) =>
        {
            credentialFile = dir.Write("upstream.key", "key-one");
            return r with { Credential = new CredentialConfig { Header = "Authorization", Prefix = "Bearer ", File = credentialFile, RefreshSeconds = 0 } };
        });

        File.Delete(credentialFile);
        using var response = await gateway.Client.SendAsync(Chat());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Bearer key-one", upstream.Single().Header("Authorization"));
    }

    private static HttpRequestMessage Chat() =>
        new(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"messages":[]}""", Encoding.UTF8, "application/json") };
}
