using System.Collections;
using System.Text;
using FastMask.Gateway.Serve;
using FastMask.Gateway.Tests.TestEnvironment;
using FastMask.Masking.Detection;

namespace FastMask.Gateway.Tests.Serve;

/// <summary>
/// Fast start: with the engine left to auto, the gateway serves on the Regex engine at once and swaps in Hyperscan when
/// the background compile is done. The compile is held by a test hook, so every step is deterministic.
/// </summary>
public sealed class FastStartTests
{
    /// <summary>Like <see cref="TestPolicies.Redact"/>, with the engine left to auto.</summary>
    private const string AutoPolicy = """
        {
          "apiVersion": "fastmask/v1",
          "version": "auto-1",
          "levels": ["public", "restricted"],
          "detectors": { "builtIn": "all", "defaultLevel": "restricted" },
          "actions": {
            "request": { "public": "keep", "restricted": "redact" },
            "response": { "public": "keep", "restricted": "redact" }
          }
        }
        """;

    /// <summary>Bounds a wait that only a bug would make long: a failed test, never a hung run.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    private static readonly string s_requestBody =
        $$$"""{"model":"m","messages":[{"role":"user","content":"mail {{{TestPolicies.Email}}}, ssn {{{TestPolicies.Ssn}}}, card {{{TestPolicies.Card}}}"}]}""";

    [Fact]
    public async Task Serve_AutoEngine_ServesOnRegexThenSwapsInHyperscan()
    {
        using var hold = new ManualResetEventSlim();
        var compiling = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = new CapturingLoggerProvider();
        await using var upstream = await RecordingUpstream.StartAsync();
        upstream.Respond = static (context, _) => RecordingUpstream.Json(context, 200, $$$"""{"content":"write to {{{TestPolicies.Email}}}"}""");
        await using var gateway = await TestGateway.StartAsync(
            upstream.Url,
            policy: AutoPolicy,
            logs: logs,
            hostOptions: o => o with
            {
                BeforeBackgroundCompile = file =>
                {
                    compiling.TrySetResult(file);
                    hold.Wait();
                },
            });
        var runtime = gateway.Host.Runtime;
        var binding = Assert.Single(runtime.Policies);
        Assert.True(binding.UpgradePending);
        Assert.EndsWith("policy.json", await compiling.Task.WaitAsync(s_bound), StringComparison.Ordinal);

        // Before the swap: ready, serving, masking, on Regex.
        var regexHandle = binding.Current;
        Assert.Equal(DetectorEngineKind.Regex, regexHandle.Policy.Detector.Engine);
        Assert.Equal(DetectorEngineKind.Regex, runtime.Engine);
        Assert.Equal("ready\n", await gateway.Admin!.GetStringAsync("/readyz"));
        await AssertMaskedExchangeAsync(gateway, upstream);
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("fastmask_detector_engine_info{engine=\"regex\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("engine=\"hyperscan\"", metrics, StringComparison.Ordinal);

        hold.Set();
        await runtime.DetectorUpgrade.WaitAsync(s_bound);

        // After the swap: the same policy on Hyperscan; the Regex one released.
        var hyperscanHandle = binding.Current;
        Assert.NotSame(regexHandle, hyperscanHandle);
        Assert.Equal(DetectorEngineKind.Hyperscan, hyperscanHandle.Policy.Detector.Engine);
        Assert.Equal("auto-1", hyperscanHandle.Policy.Version);
        Assert.Equal(DetectorEngineKind.Hyperscan, runtime.Engine);
        Assert.True(regexHandle.IsDisposed);
        Assert.Null(binding.UpgradeFailure);
        await AssertMaskedExchangeAsync(gateway, upstream);
        metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("fastmask_detector_engine_info{engine=\"hyperscan\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("engine=\"regex\"", metrics, StringComparison.Ordinal);
        Assert.Contains("fastmask_policy_info{route=\"openai\",policy_version=\"auto-1\",api_version=\"fastmask/v1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("Detector engine hyperscan for policy", StringComparison.Ordinal) && l.Contains("swapped in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_BackgroundCompileFails_KeepsServingOnRegexAndLogsWhy()
    {
        var logs = new CapturingLoggerProvider();
        await using var upstream = await RecordingUpstream.StartAsync();
        upstream.Respond = static (context, _) => RecordingUpstream.Json(context, 200, $$$"""{"content":"write to {{{TestPolicies.Email}}}"}""");
        await using var gateway = await TestGateway.StartAsync(
            upstream.Url,
            policy: AutoPolicy,
            logs: logs,
            hostOptions: o => o with { BeforeBackgroundCompile = _ => throw new InvalidOperationException("no memory for the database") });
        var runtime = gateway.Host.Runtime;

        await runtime.DetectorUpgrade.WaitAsync(s_bound);

        var binding = runtime.Policies[0];
        Assert.Equal(DetectorEngineKind.Regex, binding.Current.Policy.Detector.Engine);
        Assert.False(binding.Current.IsDisposed);
        Assert.Equal("no memory for the database", binding.UpgradeFailure);
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("no memory for the database", StringComparison.Ordinal) && l.Contains("Regex", StringComparison.Ordinal));
        Assert.Equal("ready\n", await gateway.Admin!.GetStringAsync("/readyz"));
        await AssertMaskedExchangeAsync(gateway, upstream);
        Assert.Contains("fastmask_detector_engine_info{engine=\"regex\"} 1", await gateway.Admin.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_DuringBackgroundCompile_CompletesAndDiscardsTheResult()
    {
        using var hold = new ManualResetEventSlim();
        var compiling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await RecordingUpstream.StartAsync();
        var gateway = await TestGateway.StartAsync(
            upstream.Url,
            policy: AutoPolicy,
            hostOptions: o => o with
            {
                BeforeBackgroundCompile = _ =>
                {
                    compiling.TrySetResult();
                    hold.Wait();
                },
            });
        var runtime = gateway.Host.Runtime;
        var binding = runtime.Policies[0];
        var regexHandle = binding.Current;
        await compiling.Task.WaitAsync(s_bound);

        // Shutdown does not wait for the compile (the hook still holds it).
        await gateway.DisposeAsync().AsTask().WaitAsync(s_bound);
        Assert.False(runtime.DetectorUpgrade.IsCompleted);
        Assert.True(regexHandle.IsDisposed);

        hold.Set();
        await runtime.DetectorUpgrade.WaitAsync(s_bound);
        Assert.Same(regexHandle, binding.Current);
        Assert.Null(binding.UpgradeFailure);
    }

    [Theory]
    [InlineData("hyperscan", null, AutoPolicy, DetectorEngineKind.Hyperscan)]
    [InlineData("regex", null, AutoPolicy, DetectorEngineKind.Regex)]
    [InlineData(null, "hyperscan", AutoPolicy, DetectorEngineKind.Hyperscan)]
    [InlineData(null, "regex", AutoPolicy, DetectorEngineKind.Regex)]
    [InlineData(null, null, TestPolicies.Redact, DetectorEngineKind.Regex)]
    public void Create_EngineNamedExplicitly_CompilesItNowWithoutBackgroundSwap(string? configEngine, string? environmentEngine, string policy, DetectorEngineKind expected)
    {
        using var dir = new TempDirectory();
        var environment = new Hashtable();
        if (environmentEngine is not null)
        {
            environment[ScannerFactory.EngineEnvironmentVariable] = environmentEngine;
        }

        using var runtime = GatewayRuntime.Create(PolicySwapTests.ConfigFor(dir.Write("p.json", policy), configEngine), environment, out var errors, fastStart: true)!;

        Assert.Empty(errors);
        Assert.False(runtime.Policies[0].UpgradePending);
        Assert.True(runtime.DetectorUpgrade.IsCompleted);
        Assert.Equal(expected, PolicySwapTests.EngineOf(runtime));
    }

    [Fact]
    public void Create_PolicyNamesHyperscan_CompilesItNow()
    {
        using var dir = new TempDirectory();
        var policy = AutoPolicy.Replace("\"defaultLevel\": \"restricted\"", "\"defaultLevel\": \"restricted\", \"engine\": \"hyperscan\"", StringComparison.Ordinal);

        using var runtime = GatewayRuntime.Create(PolicySwapTests.ConfigFor(dir.Write("p.json", policy)), new Hashtable(), out var errors, fastStart: true)!;

        Assert.Empty(errors);
        Assert.False(runtime.Policies[0].UpgradePending);
        Assert.Equal(DetectorEngineKind.Hyperscan, PolicySwapTests.EngineOf(runtime));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    public void Create_AutoEngineWithFastStart_CompilesRegexAndDefersHyperscan(string? environmentEngine)
    {
        using var dir = new TempDirectory();
        var environment = new Hashtable();
        if (environmentEngine is not null)
        {
            environment[ScannerFactory.EngineEnvironmentVariable] = environmentEngine;
        }

        using var runtime = GatewayRuntime.Create(PolicySwapTests.ConfigFor(dir.Write("p.json", AutoPolicy)), environment, out var errors, fastStart: true)!;

        Assert.Empty(errors);
        Assert.True(runtime.Policies[0].UpgradePending);
        Assert.Equal(DetectorEngineKind.Regex, PolicySwapTests.EngineOf(runtime));
        Assert.False(runtime.DetectorUpgrade.IsCompleted);
    }

    [Fact]
    public void Create_AutoEngineWithoutFastStart_CompilesHyperscanNow()
    {
        using var dir = new TempDirectory();

        using var runtime = GatewayRuntime.Create(PolicySwapTests.ConfigFor(dir.Write("p.json", AutoPolicy)), new Hashtable(), out var errors)!;

        Assert.Empty(errors);
        Assert.False(runtime.Policies[0].UpgradePending);
        Assert.Equal(DetectorEngineKind.Hyperscan, PolicySwapTests.EngineOf(runtime));
    }

    private static async Task AssertMaskedExchangeAsync(TestGateway gateway, RecordingUpstream upstream)
    {
        upstream.Requests.Clear();
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(s_requestBody, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"content":"write to [EMAIL_ADDRESS]"}""", body);
        var seen = upstream.Single().BodyText;
        TestPolicies.AssertNoPlanted(seen);
        Assert.Contains("mail [EMAIL_ADDRESS], ssn [US_SSN], card [CREDIT_CARD]", seen, StringComparison.Ordinal);
    }
}
