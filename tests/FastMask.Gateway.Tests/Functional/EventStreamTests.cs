using System.Text;
using FastMask.Gateway.Tests.TestEnvironment;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Tests.Functional;

/// <summary>Wiring of text/event-stream responses through the SSE masker.</summary>
public sealed class EventStreamTests : GatewayTestBase
{
    [Fact]
    public async Task EventStream_IsMaskedAndKeepsEveryEvent()
    {
        Upstream.Respond = static async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($$$"""data: {"choices":[{"index":0,"delta":{"content":"mail {{{TestPolicies.Email}}} now"}}]}""" + "\n\n");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("""data: {"choices":[{"index":0,"delta":{"content":" done"},"finish_reason":"stop"}]}""" + "\n\n");
            await context.Response.WriteAsync("data: [DONE]\n\n");
        };

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent("""{"stream":true}""", Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        TestPolicies.AssertNoPlanted(body);
        Assert.Contains("[EMAIL_ADDRESS]", body, StringComparison.Ordinal);
        Assert.Contains(" done", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal(3, body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task EventStream_EventsReachCallerBeforeUpstreamFinishes()
    {
        var callerSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Respond = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("""data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""" + "\n\n");
            await context.Response.Body.FlushAsync();
            await callerSawFirst.Task;
            await context.Response.WriteAsync("data: [DONE]\n\n");
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await Gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var stream = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\n\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        // The first event arrived while the upstream was still waiting: the gateway flushes event by event.
        Assert.Contains("\"role\":\"assistant\"", received.ToString(), StringComparison.Ordinal);
        callerSawFirst.SetResult();
        var rest = await new StreamReader(stream).ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", received + rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenEventStream_IsCutOffWithErrorEvent()
    {
        Upstream.Respond = static async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("""data: {"choices":[{"delta":{"content":"first"}}]}""" + "\n\n");
            await context.Response.WriteAsync($$$"""data: {"choices":[{"delta":{"content":"{{{TestPolicies.Email}}}" broken""" + "\n\n");
            await context.Response.WriteAsync("""data: {"choices":[{"delta":{"content":"never"}}]}""" + "\n\n");
        };

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        TestPolicies.AssertNoPlanted(body);
        Assert.DoesNotContain("never", body, StringComparison.Ordinal);
        Assert.EndsWith(
            "event: error\ndata: {\"error\":{\"type\":\"upstream_error\",\"message\":\"The upstream response could not be masked, so it was not passed on.\",\"code\":\"upstream_invalid_response\"}}\n\n",
            body,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventStream_UpstreamResetMidStream_IsCutOffWithErrorEvent()
    {
        var streamSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Respond = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("""data: {"choices":[{"delta":{"content":"partial"}}]}""" + "\n\n");
            await context.Response.Body.FlushAsync();

            // Reset only once the caller has the stream's headers, so the break is mid-stream.
            await streamSeen.Task;
            context.Abort();
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await Gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        streamSeen.SetResult();
        var body = await response.Content.ReadAsStringAsync();

        Assert.EndsWith("\"code\":\"upstream_unreachable\"}}\n\n", body, StringComparison.Ordinal);
        Assert.Contains("event: error\n", body, StringComparison.Ordinal);
    }
}
