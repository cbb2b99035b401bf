using System.Text;
using System.Text.Json;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

/// <summary>No planted value reaches the upstream, whatever the shape of the request.</summary>
public sealed class RequestMaskingTests : GatewayTestBase
{
    public static TheoryData<string, string, string> RequestShapes => new()
    {
        {
            "/v1/chat/completions", "chat string content",
            $$$"""{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"mail {{{TestPolicies.Email}}}, ssn {{{TestPolicies.Ssn}}}, card {{{TestPolicies.Card}}}"}]}"""
        },
        {
            "/v1/chat/completions", "content parts",
            $$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"my card is {{{TestPolicies.Card}}}"},{"type":"image_url","image_url":{"url":"https://example.org/a.png"}},{"type":"text","text":"write to {{{TestPolicies.Email}}}"}]}]}"""
        },
        {
            "/v1/chat/completions", "tool-call arguments (JSON inside a string)",
            $$$"""{"model":"m","messages":[{"role":"user","content":"look me up"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"email\":\"{{{TestPolicies.Email}}}\",\"ssn\":\"{{{TestPolicies.Ssn}}}\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"{\"card\":\"{{{TestPolicies.Card}}}\"}"}]}"""
        },
        {
            "/v1/embeddings", "embeddings input string",
            $$$"""{"model":"e","input":"customer {{{TestPolicies.Email}}} paid with {{{TestPolicies.Card}}}"}"""
        },
        {
            "/v1/embeddings", "embeddings input array",
            $$$"""{"model":"e","input":["first {{{TestPolicies.Email}}}","second {{{TestPolicies.Ssn}}}","third {{{TestPolicies.Card}}}"]}"""
        },
        {
            "/v1/chat/completions", "escaped strings",
            """{"model":"m","messages":[{"role":"user","content":"jane.doe\u0040example.com and 123\u002d45-6789 and \"4111 1111 1111 1111\"\n"}]}"""
        },
        {
            "/v1/chat/completions", "nested metadata",
            $$$"""{"model":"m","metadata":{"customer":{"notes":["call back", {"contact":"{{{TestPolicies.Email}}}"}]}},"messages":[{"role":"user","content":"hi"}]}"""
        },
    };

    [Theory]
    [MemberData(nameof(RequestShapes))]
    public async Task Post_PlantedPii_NeverReachesUpstream(string path, string shape, string json)
    {
        using var response = await Gateway.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Equal(path, received.PathAndQuery);
        TestPolicies.AssertNoPlanted(received.BodyText);
        using var document = JsonDocument.Parse(received.Body);
        TestPolicies.AssertNoPlanted(AllStrings(document.RootElement));
        Assert.True(received.BodyText.Contains("[EMAIL_ADDRESS]", StringComparison.Ordinal)
            || received.BodyText.Contains("[CREDIT_CARD]", StringComparison.Ordinal), shape);
    }

    [Fact]
    public async Task Post_CleanDocument_ReachesUpstreamUnchanged()
    {
        const string json = """{"model":"m","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0.2}""";

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(json, Upstream.Single().BodyText);
        Assert.Equal("application/json; charset=utf-8", Upstream.Single().Header("Content-Type"));
    }

    [Fact]
    public async Task Get_NoBody_IsForwardedWithPathAndQuery()
    {
        using var response = await Gateway.Client.GetAsync("/v1/models?limit=2");

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Equal("GET", received.Method);
        Assert.Equal("/v1/models?limit=2", received.PathAndQuery);
        Assert.Empty(received.Body);
    }

    [Fact]
    public async Task Response_PlantedPii_IsMaskedForCaller()
    {
        Upstream.Respond = static (context, _) => RecordingUpstream.Json(
            context,
            200,
            $$$"""{"choices":[{"message":{"role":"assistant","content":"Reach me at {{{TestPolicies.Email}}}"}}]}""");

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent("""{"messages":[]}""", Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        TestPolicies.AssertNoPlanted(body);
        Assert.Contains("Reach me at [EMAIL_ADDRESS]", body, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Response_UpstreamErrorStatus_IsKeptAndMasked()
    {
        Upstream.Respond = static (context, _) => RecordingUpstream.Json(
            context,
            429,
            $$$"""{"error":{"message":"slow down {{{TestPolicies.Email}}}","type":"rate_limit"}}""");

        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(429, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        TestPolicies.AssertNoPlanted(body);
        Assert.Contains("rate_limit", body, StringComparison.Ordinal);
    }

    internal static string AllStrings(JsonElement element)
    {
        var text = new StringBuilder();
        Collect(element, text);
        return text.ToString();

        static void Collect(JsonElement element, StringBuilder text)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        text.Append(property.Name).Append('\n');
                        Collect(property.Value, text);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, text);
                    }

                    break;
                case JsonValueKind.String:
                    var value = element.GetString()!;
                    text.Append(value).Append('\n');
                    if (value.StartsWith('{') && value.EndsWith('}'))
                    {
                        try
                        {
                            using var inner = JsonDocument.Parse(value);
                            Collect(inner.RootElement, text);
                        }
                        catch (JsonException)
                        {
                            // Not JSON after all; its text is already collected.
                        }
                    }

                    break;
            }
        }
    }
}
