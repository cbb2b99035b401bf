using System.Text;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

public sealed class TokenRestoreTests
{
    [Fact]
    public async Task RestorePolicy_UpstreamSeesTokens_CallerGetsOwnValuesBack()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        upstream.Respond = static (context, received) =>
        {
            // The model answers with the token it was given.
            var token = received.BodyText.Contains("[EMAIL_ADDRESS_1]", StringComparison.Ordinal) ? "[EMAIL_ADDRESS_1]" : "none";
            return RecordingUpstream.Json(context, 200, $$$"""{"choices":[{"message":{"content":"I will write to {{{token}}}."}}]}""");
        };
        await using var gateway = await TestGateway.StartAsync(upstream.Url, policy: TestPolicies.TokenizeAndRestore);

        using var response = await gateway.Client.PostAsync(
            "/v1/chat/completions",
            new StringContent($$$"""{"messages":[{"role":"user","content":"email {{{TestPolicies.Email}}} please"}]}""", Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("email [EMAIL_ADDRESS_1] please", upstream.Single().BodyText, StringComparison.Ordinal);
        TestPolicies.AssertNoPlanted(upstream.Single().BodyText);
        Assert.Contains($"I will write to {TestPolicies.Email}.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestorePolicy_TokensOfAnotherExchange_AreNotRestored()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        upstream.Respond = static (context, _) =>
            RecordingUpstream.Json(context, 200, """{"choices":[{"message":{"content":"old token [EMAIL_ADDRESS_1]"}}]}""");
        await using var gateway = await TestGateway.StartAsync(upstream.Url, policy: TestPolicies.TokenizeAndRestore);

        // The first exchange creates [EMAIL_ADDRESS_1]; the second has no tokens of its own.
        using (await gateway.Client.PostAsync("/v1/chat/completions", new StringContent($$$"""{"q":"{{{TestPolicies.Email}}}"}""", Encoding.UTF8, "application/json")))
        {
        }

        using var second = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent("""{"q":"nothing here"}""", Encoding.UTF8, "application/json"));

        var body = await second.Content.ReadAsStringAsync();
        Assert.Contains("old token [EMAIL_ADDRESS_1]", body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPolicies.Email, body, StringComparison.Ordinal);
    }
}
