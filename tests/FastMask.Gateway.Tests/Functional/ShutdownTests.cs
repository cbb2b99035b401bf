using System.Text;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_WithRequestInFlight_FinishesItThenStopsAccepting()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Respond = async (context, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            await RecordingUpstream.Json(context, 200, """{"answer":"finished after drain began"}""");
        };
        await using var gateway = await TestGateway.StartAsync(upstream.Url);
        var dataUrl = gateway.Host.DataUrls[0];

        var inFlight = gateway.Client.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
        await entered.Task;
        Assert.Contains("fastmask_requests_in_flight 1", await gateway.Admin!.GetStringAsync("/metrics"), StringComparison.Ordinal);
        var stopping = gateway.Host.StopAsync();

        Assert.True(gateway.Host.IsDraining);
        using (var ready = await gateway.Admin!.GetAsync("/readyz"))
        {
            Assert.Equal(503, (int)ready.StatusCode);
            Assert.Equal("draining\n", await ready.Content.ReadAsStringAsync());
        }

        Assert.False(stopping.IsCompleted);
        release.SetResult();
        using var response = await inFlight;
        await stopping;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"answer":"finished after drain began"}""", await response.Content.ReadAsStringAsync());
        using var fresh = TestGateway.CreateClient(dataUrl);
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("/v1/models"));
    }
}
