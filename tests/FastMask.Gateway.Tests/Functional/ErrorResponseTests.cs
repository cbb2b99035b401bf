using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Tests.TestEnvironment;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Tests.Functional;

/// <summary>Every refusal: an OpenAI-style error body, the right status, and nothing unscanned sent upstream.</summary>
public sealed class ErrorResponseTests : GatewayTestBase
{
    private const long SmallLimit = 4096;

    internal override Task<TestGateway> StartGatewayAsync(Uri upstream) =>
        TestGateway.StartAsync(
            upstream,
            route: static (r, _) => r with
            {
                Methods = ["GET", "POST"],
                Limits = new LimitConfig { MaxRequestBodyBytes = SmallLimit, MaxResponseBodyBytes = SmallLimit },
                PassThroughContentTypes = ["audio/*"],
            });

    [Fact]
    public async Task InvalidJson_Returns400WithByteOffset_NothingForwarded()
    {
        var json = $$$"""{"messages":[{"content":"{{{TestPolicies.Email}}}"}],,}""";

        using var response = await Post(json);

        var error = await AssertError(response, 400, "invalid_request_error", "invalid_json");
        var offset = json.IndexOf(",,", StringComparison.Ordinal) + 1;
        Assert.Contains($"byte offset {offset}", error.Message, StringComparison.Ordinal);
        TestPolicies.AssertNoPlanted(error.Raw);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task TruncatedJson_Returns400_NothingForwarded()
    {
        using var response = await Post($$$"""{"messages":[{"content":"{{{TestPolicies.Email}}}"}""");

        var error = await AssertError(response, 400, "invalid_request_error", "invalid_json");
        TestPolicies.AssertNoPlanted(error.Raw);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task DeclaredLengthOverLimit_Returns413BeforeReading()
    {
        using var response = await Post("{\"a\":\"" + new string('x', (int)SmallLimit) + "\"}");

        await AssertError(response, 413, "invalid_request_error", "request_too_large");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_Returns413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', (int)SmallLimit * 2) + "\"}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Gateway.Client.SendAsync(request);

        await AssertError(response, 413, "invalid_request_error", "request_too_large");
        Assert.Empty(Upstream.Requests);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task UnsupportedContentType_Returns415(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"email={TestPolicies.Email}"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        await AssertError(response, 415, "invalid_request_error", "unsupported_media_type");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task MissingContentTypeWithBody_Returns415()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        await AssertError(response, 415, "invalid_request_error", "unsupported_media_type");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task PassThroughContentType_IsForwardedUnchanged()
    {
        var bytes = new byte[] { 0x49, 0x44, 0x33, 0x04, 0x00, 0xff, 0x10 };
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", "audio/mpeg");

        using var response = await Gateway.Client.PostAsync("/v1/audio/transcriptions", content);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(bytes, Upstream.Single().Body);
        Assert.Equal("audio/mpeg", Upstream.Single().Header("Content-Type"));
    }

    [Fact]
    public async Task UnsupportedContentEncoding_Returns415()
    {
        var content = new StringContent("{}", Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("compress");

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        await AssertError(response, 415, "invalid_request_error", "unsupported_content_encoding");
        Assert.Empty(Upstream.Requests);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task CompressedRequest_IsDecodedAndMasked(string coding)
    {
        var json = $$$"""{"messages":[{"role":"user","content":"mail {{{TestPolicies.Email}}}"}]}""";
        var content = new ByteArrayContent(Compress(coding, Encoding.UTF8.GetBytes(json)));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.ContentEncoding.Add(coding);

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Null(received.Header("Content-Encoding"));
        Assert.Contains("mail [EMAIL_ADDRESS]", received.BodyText, StringComparison.Ordinal);
        TestPolicies.AssertNoPlanted(received.BodyText);
    }

    [Fact]
    public async Task ZipBomb_Returns413()
    {
        // 1 MiB of one byte compresses to about a kilobyte: under the wire limit, far over the decoded one.
        var bomb = Compress("gzip", Encoding.UTF8.GetBytes("{\"a\":\"" + new string('a', 1 << 20) + "\"}"));
        Assert.True(bomb.Length < SmallLimit);
        var content = new ByteArrayContent(bomb);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        await AssertError(response, 413, "invalid_request_error", "request_too_large");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task CorruptCompressedBody_Returns400()
    {
        // A gzip header, then a deflate block of the reserved type 3: not decodable.
        var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", content);

        await AssertError(response, 400, "invalid_request_error", "invalid_content_encoding");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task UnknownPath_Returns404()
    {
        using var response = await Gateway.Client.GetAsync("/v10/models");

        await AssertError(response, 404, "invalid_request_error", "route_not_found");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task MethodNotOnRoute_Returns405()
    {
        using var response = await Gateway.Client.DeleteAsync("/v1/files/1");

        await AssertError(response, 405, "invalid_request_error", "method_not_allowed");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task Draining_Returns503()
    {
        Gateway.Host.BeginDrain();

        using var response = await Post("{}");

        await AssertError(response, 503, "server_error", "draining");
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task UpstreamInvalidJson_Returns502_RawBodyNotPassedOn()
    {
        Upstream.Respond = static (context, _) => RecordingUpstream.Json(context, 200, $$$"""{"content":"{{{TestPolicies.Email}}}" oops""");

        using var response = await Post("{}");

        var error = await AssertError(response, 502, "upstream_error", "upstream_invalid_response");
        TestPolicies.AssertNoPlanted(error.Raw);
    }

    [Fact]
    public async Task UpstreamResponseOverLimit_Returns502()
    {
        Upstream.Respond = static (context, _) => RecordingUpstream.Json(context, 200, "{\"a\":\"" + new string('x', (int)SmallLimit * 2) + "\"}");

        using var response = await Post("{}");

        await AssertError(response, 502, "upstream_error", "upstream_response_too_large");
    }

    [Fact]
    public async Task UpstreamUnsupportedContentType_Returns502()
    {
        Upstream.Respond = static async (context, _) =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync($"<p>{TestPolicies.Email}</p>");
        };

        using var response = await Post("{}");

        var error = await AssertError(response, 502, "upstream_error", "upstream_unsupported_content");
        TestPolicies.AssertNoPlanted(error.Raw);
    }

    [Fact]
    public async Task UpstreamUntypedBody_Returns502()
    {
        Upstream.Respond = static async (context, _) => await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(TestPolicies.Email));

        using var response = await Post("{}");

        var error = await AssertError(response, 502, "upstream_error", "upstream_unsupported_content");
        TestPolicies.AssertNoPlanted(error.Raw);
    }

    [Fact]
    public async Task UpstreamUntypedEmptyBody_IsPassedOn()
    {
        Upstream.Respond = static async (context, _) =>
        {
            context.Response.StatusCode = 202;
            context.Response.Headers["X-Upstream-Note"] = "accepted";
            await context.Response.Body.FlushAsync();
        };

        using var response = await Post("{}");

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal("accepted", Assert.Single(response.Headers.GetValues("X-Upstream-Note")));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task UpstreamCompressedJson_IsDecodedAndMasked(string coding)
    {
        Upstream.Respond = async (context, _) =>
        {
            var bytes = Compress(coding, Encoding.UTF8.GetBytes($$$"""{"content":"to {{{TestPolicies.Email}}}"}"""));
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = coding;
            await context.Response.Body.WriteAsync(bytes);
        };

        using var response = await Post("{}");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("""{"content":"to [EMAIL_ADDRESS]"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("identity", Upstream.Single().Header("Accept-Encoding"));
    }

    [Fact]
    public async Task UpstreamResetsConnection_Returns502()
    {
        Upstream.Respond = static (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        using var response = await Post("{}");

        await AssertError(response, 502, "upstream_error", "upstream_unreachable");
    }

    [Fact]
    public async Task UpstreamUnreachable_Returns502()
    {
        using var reserved = RefusedPort.Reserve(out var closedPort);
        await using var gateway = await TestGateway.StartAsync(new Uri($"http://127.0.0.1:{closedPort}"));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        await AssertError(response, 502, "upstream_error", "upstream_unreachable");
    }

    [Fact]
    public async Task UpstreamTooSlow_Returns504()
    {
        await using var slow = await RecordingUpstream.StartAsync();
        slow.Respond = static async (context, _) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The gateway gave up, as it should.
            }
        };
        await using var gateway = await TestGateway.StartAsync(
            slow.Url,
            route: static (r, _) => r with { Timeouts = new TimeoutConfig { ResponseSeconds = 0.2 } });

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        await AssertError(response, 504, "upstream_error", "upstream_timeout");
    }

    internal static async Task<ErrorBody> AssertError(HttpResponseMessage response, int status, string type, string code)
    {
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("X-Request-Id"));
        using var document = JsonDocument.Parse(raw);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.False(string.IsNullOrEmpty(message));
        return new ErrorBody(message!, raw);
    }

    internal static byte[] Compress(string coding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            encoder.Write(data);
        }

        return output.ToArray();
    }

    private Task<HttpResponseMessage> Post(string json) =>
        Gateway.Client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    internal sealed record ErrorBody(string Message, string Raw);
}
