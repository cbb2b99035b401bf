namespace FastMask.Gateway.Tests.TestEnvironment;

/// <summary>
/// A recording upstream and a gateway in front of it, both on real sockets, started before each test and stopped
/// after it. A test class that needs another gateway configuration overrides <see cref="StartGatewayAsync"/>.
/// </summary>
public abstract class GatewayTestBase : IAsyncLifetime
{
    internal RecordingUpstream Upstream { get; private set; } = null!;

    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await RecordingUpstream.StartAsync();
        Gateway = await StartGatewayAsync(Upstream.Url);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>The gateway for <paramref name="upstream"/>: by default the test gateway with its default route and policy.</summary>
    internal virtual Task<TestGateway> StartGatewayAsync(Uri upstream) => TestGateway.StartAsync(upstream);
}
