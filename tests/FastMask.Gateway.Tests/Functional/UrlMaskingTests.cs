using System.Text;
using FastMask.Gateway.Proxy;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

/// <summary>The request URL is scanned like the body: no planted value reaches the upstream through the path or query.</summary>
public sealed class UrlMaskingTests : GatewayTestBase
{
    [Theory]
    [InlineData("/v1/models?email=jane.doe%40example.com&limit=5", "/v1/models?email=%5BEMAIL_ADDRESS%5D&limit=5")]
    [InlineData("/v1/models?email=jane.doe@example.com", "/v1/models?email=%5BEMAIL_ADDRESS%5D")]
    [InlineData("/v1/models?q=card+4111+1111+1111+1111&x=1", "/v1/models?q=card%20%5BCREDIT_CARD%5D&x=1")]
    [InlineData("/v1/models?ssn=123-45-6789", "/v1/models?ssn=%5BUS_SSN%5D")]
    [InlineData("/v1/models?jane.doe%40example.com", "/v1/models?%5BEMAIL_ADDRESS%5D")]
    [InlineData("/v1/models?jane.doe%40example.com=1", "/v1/models?%5BEMAIL_ADDRESS%5D=1")]
    [InlineData("/v1/files/jane.doe@example.com/content", "/v1/files/%5BEMAIL_ADDRESS%5D/content")]
    [InlineData("/v1/files/jane.doe%40example.com?a=b", "/v1/files/%5BEMAIL_ADDRESS%5D?a=b")]
    [InlineData("/v1/files/jane.doe%2540example.com", "/v1/files/%5BEMAIL_ADDRESS%5D")]
    [InlineData("/v1/files/123%252D45%252D6789", "/v1/files/%5BUS_SSN%5D")]
    [InlineData("/v1/models?ssn=536221234", "/v1/models?ssn=%5BUS_SSN%5D")]
    [InlineData("/v1/models?employeeSsn=536221234&x=1", "/v1/models?employeeSsn=%5BUS_SSN%5D&x=1")]
    [InlineData("/v1/models?phone=+14155552671", "/v1/models?phone=%5BPHONE_NUMBER%5D")]
    [InlineData("/v1/models?q=jane.doe%2540example.com", "/v1/models?q=%5BEMAIL_ADDRESS%5D")]
    public async Task Get_PlantedPiiInUrl_IsMaskedBeforeUpstream(string url, string expected)
    {
        using var response = await Gateway.Client.GetAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Equal(expected, received.PathAndQuery);
        TestPolicies.AssertNoPlanted(Uri.UnescapeDataString(received.PathAndQuery));
    }

    [Theory]
    [InlineData("/v1/x/a%2F..%2Fjane.doe%40example.com", "jane.doe")]
    [InlineData("/v1/models?note=dob%3A%2001%2F02%2F1990", "1990")]
    [InlineData("/v1/files/dob%3A%2001%2F02%2F1990/content", "1990")]
    public async Task Get_PiiHiddenByEncoding_IsMaskedBeforeUpstream(string url, string planted)
    {
        using var response = await Gateway.Client.GetAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        var received = UrlMasker.FullyDecode(Upstream.Single().PathAndQuery, plusIsSpace: true);
        Assert.DoesNotContain(planted, received, StringComparison.Ordinal);
        Assert.Contains("[", received, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/v1/models?limit=5&order=desc")]
    [InlineData("/v1/models?a=b%20c&flag&x=&y=%2B1")]
    [InlineData("/v1/files/file-abc123/content?purpose=fine-tune")]
    public async Task Get_CleanUrl_ReachesUpstreamUnchanged(string url)
    {
        using var response = await Gateway.Client.GetAsync(url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(url, Upstream.Single().PathAndQuery);
    }

    [Fact]
    public async Task Post_PiiInQueryAndBody_BothMasked()
    {
        var json = $$$"""{"model":"m","messages":[{"role":"user","content":"mail {{{TestPolicies.Email}}}"}]}""";

        using var response = await Gateway.Client.PostAsync(
            "/v1/chat/completions?user=jane.doe%40example.com",
            new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        var received = Upstream.Single();
        Assert.Equal("/v1/chat/completions?user=%5BEMAIL_ADDRESS%5D", received.PathAndQuery);
        TestPolicies.AssertNoPlanted(received.BodyText);
    }
}
