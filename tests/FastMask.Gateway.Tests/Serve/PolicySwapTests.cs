using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Serve;
using FastMask.Gateway.Tests.Proxy;
using FastMask.Gateway.Tests.TestEnvironment;
using FastMask.Masking.Detection;

namespace FastMask.Gateway.Tests.Serve;

/// <summary>A route's policy replaced while the gateway serves: atomic for new exchanges, never under a running one.</summary>
public sealed class PolicySwapTests
{
    /// <summary>Redacts as <c>[ENTITY]</c>.</summary>
    internal const string PolicyA = """
        {
          "apiVersion": "fastmask/v1",
          "version": "swap-A",
          "levels": ["public", "restricted"],
          "detectors": { "builtIn": "all", "defaultLevel": "restricted", "engine": "regex" },
          "actions": {
            "request": { "public": "keep", "restricted": "redact" },
            "response": { "public": "keep", "restricted": "redact" }
          }
        }
        """;

    /// <summary>Redacts as <c>[ENTITY|B]</c>, so a masked text tells which policy masked it.</summary>
    internal const string PolicyB = """
        {
          "apiVersion": "fastmask/v1",
          "version": "swap-B",
          "levels": ["public", "restricted"],
          "detectors": { "builtIn": "all", "defaultLevel": "restricted", "engine": "regex" },
          "actions": {
            "request": { "public": "keep", "restricted": { "operator": "redact", "placeholder": "[{entity}|B]" } },
            "response": { "public": "keep", "restricted": { "operator": "redact", "placeholder": "[{entity}|B]" } }
          }
        }
        """;

    private static readonly string s_requestBody =
        $$$"""{"model":"m","messages":[{"role":"user","content":"mail {{{TestPolicies.Email}}}, ssn {{{TestPolicies.Ssn}}}, card {{{TestPolicies.Card}}}"}]}""";

    [Fact]
    public async Task TryReplacePolicy_LeaseHeld_NewExchangesGetNewPolicyAndOldIsDisposedAfterLastLease()
    {
        using var dir = new TempDirectory();
        var config = Config(dir.Write("a.json", PolicyA), "http://127.0.0.1:1");
        using var runtime = GatewayRuntime.Create(config, new Hashtable(), out var errors)!;
        Assert.Empty(errors);
        var binding = Assert.Single(runtime.Policies);
        var route = Assert.Single(runtime.Routes);

        var running = route.AcquirePolicy();
        Assert.Equal("swap-A", running.Policy.Version);
        var runningContext = running.Contexts.Rent();

        Assert.True(runtime.TryReplacePolicy(binding, PolicyHandleTests.Compile(PolicyB), out var previous));

        Assert.Same(running, previous);
        Assert.Equal("swap-B", route.CurrentPolicy.Version);
        var next = route.AcquirePolicy();
        Assert.Equal("swap-B", next.Policy.Version);
        Assert.NotSame(runningContext, next.Contexts.Rent());
        next.Release();

        // The running exchange still masks with its policy; it is disposed only when that exchange ends.
        Assert.True(previous.IsRetired);
        Assert.False(previous.IsDisposed);
        running.Contexts.Return(runningContext);
        Assert.Equal(0, running.Contexts.IdleCount);
        running.Release();
        Assert.True(previous.IsDisposed);
        Assert.False(binding.Current.IsDisposed);

        var metrics = await Scrape(runtime);
        Assert.Contains("fastmask_policy_info{route=\"openai\",policy_version=\"swap-B\",api_version=\"fastmask/v1\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("swap-A", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReplacePolicy_AfterDispose_RefusesAndDisposesTheNewPolicy()
    {
        using var dir = new TempDirectory();
        var runtime = GatewayRuntime.Create(Config(dir.Write("a.json", PolicyA), "http://127.0.0.1:1"), new Hashtable(), out _)!;
        var binding = runtime.Policies[0];
        runtime.Dispose();

        var policy = PolicyHandleTests.Compile(PolicyB);
        Assert.False(runtime.TryReplacePolicy(binding, policy, out var previous));
        Assert.Null(previous);
        Assert.True(binding.Current.IsDisposed);

        // A request that reaches the route after shutdown gets an error, not a disposed policy.
        Assert.Throws<ObjectDisposedException>(() => runtime.Routes[0].AcquirePolicy());
    }

    [Fact]
    public async Task Swap_WhileExchangeRuns_ExchangeFinishesOnItsPolicyBothWays()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Respond = async (context, request) =>
        {
            arrived.TrySetResult();
            await proceed.Task;
            await RecordingUpstream.Json(context, 200, $$$"""{"content":"write to {{{TestPolicies.Email}}}"}""");
        };
        await using var gateway = await TestGateway.StartAsync(upstream.Url, policy: PolicyA);
        var runtime = gateway.Host.Runtime;
        var handleA = runtime.Policies[0].Current;

        var inFlight = gateway.Client.PostAsync("/v1/chat/completions", new StringContent(s_requestBody, Encoding.UTF8, "application/json"));
        await arrived.Task;
        Assert.True(runtime.TryReplacePolicy(runtime.Policies[0], PolicyHandleTests.Compile(PolicyB), out var previous));
        Assert.Same(handleA, previous);
        Assert.False(handleA.IsDisposed);
        Assert.Equal(1, handleA.ActiveLeases);

        proceed.SetResult();
        using var response = await inFlight;
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("[EMAIL_ADDRESS]", body, StringComparison.Ordinal);
        Assert.DoesNotContain("|B]", body, StringComparison.Ordinal);
        Assert.Contains("[US_SSN]", upstream.Single().BodyText, StringComparison.Ordinal);

        // The caller can hold the whole response before the gateway has released the exchange's lease (the release
        // follows the last write): wait for it; a lease never released fails here.
        SpinWait.SpinUntil(() => handleA.IsDisposed, TimeSpan.FromSeconds(30));
        Assert.True(handleA.IsDisposed);

        // The next exchange gets policy B.
        upstream.Respond = static (context, _) => RecordingUpstream.Json(context, 200, $$$"""{"content":"write to {{{TestPolicies.Email}}}"}""");
        using var after = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(s_requestBody, Encoding.UTF8, "application/json"));
        Assert.Contains("[EMAIL_ADDRESS|B]", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swap_UnderLoad_EveryRequestSucceedsAndIsMaskedWhollyByOnePolicy()
    {
        const int Workers = 6;
        const int RequestsPerWorker = 40;
        const int Swaps = 12;
        await using var upstream = await RecordingUpstream.StartAsync();

        // The upstream answers with what it received plus an email of its own, so one response shows how the request
        // was masked and how the response was.
        upstream.Respond = static (context, request) =>
            RecordingUpstream.Json(context, 200, $$"""{"seen":"{{JsonEncodedText.Encode(request.BodyText, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}}","reply":"write to {{TestPolicies.Email}}"}""");
        await using var gateway = await TestGateway.StartAsync(upstream.Url, policy: PolicyA);
        var runtime = gateway.Host.Runtime;
        var binding = runtime.Policies[0];
        var completed = 0;
        var failures = new ConcurrentQueue<string>();
        var masks = new ConcurrentDictionary<string, int>();

        async Task Worker()
        {
            for (var i = 0; i < RequestsPerWorker; i++)
            {
                using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(s_requestBody, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref completed);
                if ((int)response.StatusCode != 200)
                {
                    failures.Enqueue($"status {(int)response.StatusCode}: {text}");
                    continue;
                }

                TestPolicies.AssertNoPlanted(text);
                var style = StyleOf(text);
                if (style is null)
                {
                    failures.Enqueue("masked by both policies or by neither: " + text);
                    continue;
                }

                masks.AddOrUpdate(style, 1, static (_, n) => n + 1);
            }
        }

        var workers = new Task[Workers];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(Worker);
        }

        // Swaps spread over the run by progress, not by time: each waits for a few more requests to complete.
        var previousHandles = new List<FastMask.Gateway.Proxy.PolicyHandle>();
        for (var swap = 1; swap <= Swaps; swap++)
        {
            var target = swap * Workers * RequestsPerWorker / (Swaps + 1);
            while (Volatile.Read(ref completed) < target && !AllDone(workers))
            {
                await Task.Yield();
            }

            var next = PolicyHandleTests.Compile(swap % 2 == 1 ? PolicyB : PolicyA);
            Assert.True(runtime.TryReplacePolicy(binding, next, out var previous));
            previousHandles.Add(previous);
        }

        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.Equal(Workers * RequestsPerWorker, Volatile.Read(ref completed));
        Assert.True(masks.ContainsKey("A"), "no request was masked by policy A");
        Assert.True(masks.ContainsKey("B"), "no request was masked by policy B");

        // Every exchange is over: every replaced policy has been disposed, the current one not.
        Assert.All(previousHandles, h => Assert.True(h.IsDisposed));
        Assert.False(binding.Current.IsDisposed);
        Assert.Equal(0, binding.Current.ActiveLeases);
    }

    private static bool AllDone(Task[] tasks)
    {
        foreach (var task in tasks)
        {
            if (!task.IsCompleted)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"A" or "B" when every placeholder in the exchange (request and response) is that policy's; null otherwise.</summary>
    private static string? StyleOf(string responseText)
    {
        using var document = JsonDocument.Parse(responseText);
        var seen = document.RootElement.GetProperty("seen").GetString()!;
        var reply = document.RootElement.GetProperty("reply").GetString()!;
        var all = seen + reply;
        string[] expected = ["[EMAIL_ADDRESS", "[US_SSN", "[CREDIT_CARD"];
        var a = 0;
        var b = 0;
        foreach (var entity in expected)
        {
            a += Count(all, entity + "]");
            b += Count(all, entity + "|B]");
        }

        // Request: email, SSN and card; response: one email.
        return a == 4 && b == 0 ? "A" : b == 4 && a == 0 ? "B" : null;
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<string> Scrape(GatewayRuntime runtime)
    {
        using var stream = new MemoryStream();
        await runtime.Metrics.Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static GatewayConfig Config(string policy, string upstream, string? engine = null) => new()
    {
        Listeners = [new ListenerConfig { Url = "http://127.0.0.1:0" }],
        Routes = [new RouteConfig { Name = "openai", PathPrefix = "/v1", Upstream = upstream, Policy = policy }],
        DetectorEngine = engine,
    };

    internal static GatewayConfig ConfigFor(string policy, string? engine = null) => Config(policy, "http://127.0.0.1:1", engine);

    internal static DetectorEngineKind EngineOf(GatewayRuntime runtime) => runtime.Policies[0].Current.Policy.Detector.Engine;
}
