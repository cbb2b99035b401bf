using System.Text;
using FastMask.Gateway.Tests.Functional;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Operations;

public sealed class AdminEndpointTests : GatewayTestBase
{
    [Fact]
    public async Task Healthz_Returns200()
    {
        using var response = await Gateway.Admin!.GetAsync("/healthz");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_WhenStarted_Returns200_WhenDraining_Returns503()
    {
        using (var ready = await Gateway.Admin!.GetAsync("/readyz"))
        {
            Assert.Equal(200, (int)ready.StatusCode);
        }

        Gateway.Host.BeginDrain();

        using var draining = await Gateway.Admin!.GetAsync("/readyz");
        Assert.Equal(503, (int)draining.StatusCode);
    }

    [Fact]
    public async Task AdminPaths_AreNotServedOnDataListener()
    {
        using var response = await Gateway.Client.GetAsync("/metrics");

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Metrics_CallerDisconnectsMidBody_CountedAs499()
    {
        var address = Gateway.Client.BaseAddress!;
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(address.Host, address.Port);
            var stream = socket.GetStream();
            var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"q\":\"abc";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.FlushAsync();
        }

        // The gateway records the request once it notices the connection is gone; poll, bounded by count.
        var metrics = string.Empty;
        for (var i = 0; i < 200 && !metrics.Contains("status=\"499\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(25);
            metrics = await Gateway.Admin!.GetStringAsync("/metrics");
        }

        Assert.Contains("fastmask_requests_total{route=\"openai\",method=\"POST\",status=\"499\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("status=\"400\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_ReportCountsWithoutRequestData()
    {
        Upstream.Respond = static (context, _) =>
            RecordingUpstream.Json(context, 200, $$$"""{"content":"{{{TestPolicies.Ssn}}}"}""");
        using (await Gateway.Client.PostAsync(
            "/v1/chat/completions",
            new StringContent($$$"""{"q":"{{{TestPolicies.Email}}} {{{TestPolicies.Email}}} {{{TestPolicies.Card}}}"}""", Encoding.UTF8, "application/json")))
        {
        }

        using (await Gateway.Client.PostAsync("/v1/chat/completions", new StringContent(TestPolicies.Email, Encoding.UTF8, "text/plain")))
        {
        }

        using (await Gateway.Client.GetAsync("/nowhere?email=" + TestPolicies.Email))
        {
        }

        var metrics = await Gateway.Admin!.GetStringAsync("/metrics");

        Assert.Contains("fastmask_requests_total{route=\"openai\",method=\"POST\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_requests_total{route=\"openai\",method=\"POST\",status=\"415\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_masked_entities_total{entity=\"EMAIL_ADDRESS\",direction=\"request\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_masked_entities_total{entity=\"CREDIT_CARD\",direction=\"request\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_masked_entities_total{entity=\"US_SSN\",direction=\"response\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_refusals_total{reason=\"unsupported_media_type\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_refusals_total{reason=\"route_not_found\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_request_duration_seconds_bucket{route=\"openai\",method=\"POST\",le=\"+Inf\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_upstream_request_duration_seconds_count{route=\"openai\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_requests_in_flight 0", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_detector_engine_info{engine=\"regex\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_policy_info{route=\"openai\",policy_version=\"test-1\",api_version=\"fastmask/v1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Matches("fastmask_request_body_bytes_total\\{route=\"openai\"\\} [1-9]", metrics);
        Assert.Matches("fastmask_response_body_bytes_total\\{route=\"openai\"\\} [1-9]", metrics);
        TestPolicies.AssertNoPlanted(metrics);
    }
}
