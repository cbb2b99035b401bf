using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMask.Gateway.Tests.TestEnvironment;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Tests.Functional;

public sealed class LogHygieneTests
{
    [Fact]
    public async Task ErrorPaths_LogNoRequestDataAndNoCredential()
    {
        var logs = new CapturingLoggerProvider();
        await using var upstream = await RecordingUpstream.StartAsync();
        upstream.Respond = static async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"echo":"{{{TestPolicies.Email}}}" broken""");
        };
        await using var gateway = await TestGateway.StartAsync(upstream.Url, logs: logs);
        using var reserved = RefusedPort.Reserve(out var closedPort);
        await using var unreachable = await TestGateway.StartAsync(new Uri($"http://127.0.0.1:{closedPort}"), logs: logs);
        var body = $$$"""{"q":"{{{TestPolicies.Email}}} {{{TestPolicies.Card}}}"}""";

        using (await gateway.Client.PostAsync("/v1/chat/completions?user=" + TestPolicies.Email, new StringContent(body, Encoding.UTF8, "application/json")))
        {
        }

        using (await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(body + "}", Encoding.UTF8, "application/json")))
        {
        }

        using (await unreachable.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")))
        {
        }

        var all = string.Join("\n", logs.Lines);
        Assert.Contains("could not be masked", all, StringComparison.Ordinal);
        Assert.Contains("unreachable", all, StringComparison.Ordinal);
        TestPolicies.AssertNoPlanted(all);
        Assert.DoesNotContain(TestGateway.CredentialValue, all, StringComparison.Ordinal);
    }
}
