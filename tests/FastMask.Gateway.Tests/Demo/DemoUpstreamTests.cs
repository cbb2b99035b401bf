using System.Text;
using System.Text.Json;
using FastMask.Gateway.Demo;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Demo;

/// <summary>The demo upstream behind the gateway: the echo shows what the model saw.</summary>
public sealed class DemoUpstreamTests : IAsyncLifetime
{
    private DemoUpstream _demo = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _demo = await DemoUpstream.StartAsync("http://127.0.0.1:0");
        _gateway = await TestGateway.StartAsync(_demo.Url);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _demo.DisposeAsync();
    }

    [Fact]
    public async Task Chat_EchoesWhatTheModelSaw()
    {
        var body = await PostAsync("/v1/chat/completions", $$$"""{"model":"gpt-test","messages":[{"role":"user","content":"Email {{{TestPolicies.Email}}} about card {{{TestPolicies.Card}}}"}]}""");

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("gpt-test", root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("You said: Email [EMAIL_ADDRESS] about card [CREDIT_CARD]", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_ContentParts_AreJoined()
    {
        var body = await PostAsync("/v1/chat/completions", """{"messages":[{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]}]}""");

        using var document = JsonDocument.Parse(body);
        Assert.Equal("You said: one\ntwo", document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_WithTools_EchoesAsToolCall()
    {
        var body = await PostAsync(
            "/v1/chat/completions",
            $$$$"""{"messages":[{"role":"user","content":"find {{{{TestPolicies.Email}}}}"}],"tools":[{"type":"function","function":{"name":"lookup","parameters":{}}}]}""");

        using var document = JsonDocument.Parse(body);
        var choice = document.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("lookup", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal("find [EMAIL_ADDRESS]", arguments.RootElement.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task Chat_Streamed_SendsSeveralChunksThenDone()
    {
        var body = await PostAsync("/v1/chat/completions", $$$"""{"stream":true,"messages":[{"role":"user","content":"hello there, write to {{{TestPolicies.Email}}}"}]}""");

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length > 4, body);
        Assert.Equal("data: [DONE]", events[^1]);
        var text = new StringBuilder();
        foreach (var e in events[..^1])
        {
            Assert.StartsWith("data: ", e, StringComparison.Ordinal);
            using var chunk = JsonDocument.Parse(e["data: ".Length..]);
            Assert.Equal("chat.completion.chunk", chunk.RootElement.GetProperty("object").GetString());
            if (chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var content))
            {
                text.Append(content.GetString());
            }
        }

        Assert.Equal("You said: hello there, write to [EMAIL_ADDRESS]", text.ToString());
        TestPolicies.AssertNoPlanted(body);
    }

    [Fact]
    public async Task Embeddings_ReturnVectorsAndTheInputReceived()
    {
        var body = await PostAsync("/v1/embeddings", $$$"""{"model":"emb","input":["a {{{TestPolicies.Ssn}}}","b"]}""");

        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(8, data[0].GetProperty("embedding").GetArrayLength());
        Assert.Equal("a [US_SSN]", document.RootElement.GetProperty("input_received")[0].GetString());
    }

    [Fact]
    public async Task Models_ListsTheEchoModel()
    {
        var body = await _gateway.Client.GetStringAsync("/v1/models");

        using var document = JsonDocument.Parse(body);
        Assert.Equal(DemoUpstream.ModelId, document.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }

    private async Task<string> PostAsync(string path, string json)
    {
        using var response = await _gateway.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        return body;
    }
}
