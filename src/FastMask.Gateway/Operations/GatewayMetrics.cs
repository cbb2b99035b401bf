using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;
using Prometheus;

namespace FastMask.Gateway.Operations;

/// <summary>
/// The gateway's Prometheus metrics, in one registry per gateway instance (so two gateways in one process, as in
/// tests, never share counters). Labels carry only configured names (routes, entity types), methods, status codes
/// and refusal reasons: never request data.
/// </summary>
internal sealed class GatewayMetrics
{
    /// <summary>
    /// Seconds. Inference calls span milliseconds (a refused request) to minutes (a long completion), so the buckets
    /// run from 5 ms to 5 min.
    /// </summary>
    private static readonly double[] s_durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly string[] s_knownMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Histogram _upstreamDuration;
    private readonly Counter _requestBytes;
    private readonly Counter _responseBytes;
    private readonly Counter _maskedEntities;
    private readonly Counter _refusals;
    private readonly ConcurrentDictionary<string, Counter.Child> _refusalChildren = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<CompiledPolicy, Counter.Child[][]> _maskedChildren = [];

    public GatewayMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);

        // The text format never shows exemplars, yet by default every Inc/Observe looks for a trace context to attach.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter("fastmask_requests_total", "Requests handled, by route, method and response status.", ["route", "method", "status"]);
        _requestDuration = factory.CreateHistogram(
            "fastmask_request_duration_seconds",
            "Time from receiving a request to finishing its response.",
            new HistogramConfiguration { LabelNames = ["route", "method"], Buckets = s_durationBuckets });
        _upstreamDuration = factory.CreateHistogram(
            "fastmask_upstream_request_duration_seconds",
            "Time from sending a request upstream to receiving the upstream's response headers.",
            new HistogramConfiguration { LabelNames = ["route"], Buckets = s_durationBuckets });
        _requestBytes = factory.CreateCounter("fastmask_request_body_bytes_total", "Request body bytes received from callers (on the wire).", ["route"]);
        _responseBytes = factory.CreateCounter("fastmask_response_body_bytes_total", "Response body bytes sent to callers.", ["route"]);
        InFlight = factory.CreateGauge("fastmask_requests_in_flight", "Requests being handled now.");
        _maskedEntities = factory.CreateCounter("fastmask_masked_entities_total", "Sensitive values found and masked, by entity type and direction.", ["entity", "direction"]);
        _refusals = factory.CreateCounter("fastmask_refusals_total", "Requests refused or responses cut off, by reason.", ["reason"]);
        EngineInfo = factory.CreateGauge("fastmask_detector_engine_info", "The detector engine in use (value is always 1).", ["engine"]);
        PolicyInfo = factory.CreateGauge("fastmask_policy_info", "The policy active on each route (value is always 1).", ["route", "policy_version", "api_version"]);
    }

    public CollectorRegistry Registry { get; }

    public Gauge InFlight { get; }

    public Gauge EngineInfo { get; }

    public Gauge PolicyInfo { get; }

    /// <summary>Points <c>fastmask_policy_info</c> of <paramref name="route"/> at <paramref name="current"/> (after a start or a swap).</summary>
    public void SetPolicyInfo(string route, CompiledPolicy? previous, CompiledPolicy current)
    {
        if (previous is not null
            && (!string.Equals(previous.Version, current.Version, StringComparison.Ordinal)
                || !string.Equals(previous.ApiVersion, current.ApiVersion, StringComparison.Ordinal)))
        {
            PolicyInfo.RemoveLabelled(route, previous.Version, previous.ApiVersion);
        }

        PolicyInfo.WithLabels(route, current.Version, current.ApiVersion).Set(1);
    }

    /// <summary>Sets <c>fastmask_detector_engine_info</c> to the engines the current policies run on; the others disappear.</summary>
    public void SetEnginesInUse(ReadOnlySpan<DetectorEngineKind> engines)
    {
        foreach (var engine in (ReadOnlySpan<DetectorEngineKind>)[DetectorEngineKind.Hyperscan, DetectorEngineKind.Regex])
        {
            var label = engine == DetectorEngineKind.Hyperscan ? "hyperscan" : "regex";
            if (engines.Contains(engine))
            {
                EngineInfo.WithLabels(label).Set(1);
            }
            else
            {
                EngineInfo.RemoveLabelled(label);
            }
        }
    }

    public static string NormalizeMethod(string method)
    {
        foreach (var known in s_knownMethods)
        {
            if (ReferenceEquals(known, method) || string.Equals(known, method, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return "OTHER";
    }

    public RouteMetrics ForRoute(string route) => new(this, route);

    /// <summary>Counts a refusal that has no route (no match, draining before routing).</summary>
    public void Refused(string reason) =>
        _refusalChildren.GetOrAdd(reason, static (r, counter) => counter.WithLabels(r), _refusals).Inc();

    /// <summary>Adds what masking found in one direction of one exchange.</summary>
    public void AddMasked(CompiledPolicy policy, MaskDirection direction, Masking.MaskStats stats)
    {
        if (stats.Total == 0)
        {
            return;
        }

        if (!_maskedChildren.TryGetValue(policy, out var all))
        {
            all = _maskedChildren.GetValue(policy, CreateMaskedChildren);
        }

        var children = all[(int)direction];
        var counts = stats.Counts;
        for (var i = 0; i < counts.Length && i < children.Length; i++)
        {
            if (counts[i] != 0)
            {
                children[i].Inc(counts[i]);
            }
        }
    }

    private Counter.Child[][] CreateMaskedChildren(CompiledPolicy policy)
    {
        var result = new Counter.Child[2][];
        for (var d = 0; d < 2; d++)
        {
            var direction = d == (int)MaskDirection.Request ? "request" : "response";
            result[d] = new Counter.Child[policy.Entities.Length];
            for (var e = 0; e < policy.Entities.Length; e++)
            {
                result[d][e] = _maskedEntities.WithLabels(policy.Entities[e].Name, direction);
            }
        }

        return result;
    }

    /// <summary>Children bound to one route, so the request path does no label lookups (and allocates nothing) once warm.</summary>
    internal sealed class RouteMetrics
    {
        private readonly GatewayMetrics _owner;
        private readonly string _route;
        private readonly Histogram.Child[] _durations;
        private readonly ConcurrentDictionary<int, Counter.Child> _requests = new();

        public RouteMetrics(GatewayMetrics owner, string route)
        {
            _owner = owner;
            _route = route;
            _durations = new Histogram.Child[s_knownMethods.Length + 1];
            for (var i = 0; i < _durations.Length; i++)
            {
                _durations[i] = owner._requestDuration.WithLabels(route, i < s_knownMethods.Length ? s_knownMethods[i] : "OTHER");
            }

            UpstreamDuration = owner._upstreamDuration.WithLabels(route);
            RequestBytes = owner._requestBytes.WithLabels(route);
            ResponseBytes = owner._responseBytes.WithLabels(route);
        }

        public Histogram.Child UpstreamDuration { get; }

        public Counter.Child RequestBytes { get; }

        public Counter.Child ResponseBytes { get; }

        public void Completed(string method, int status, double seconds)
        {
            var methodIndex = MethodIndex(method);
            _durations[methodIndex].Observe(seconds);
            var key = (methodIndex * 1000) + status;
            if (!_requests.TryGetValue(key, out var child))
            {
                child = _requests.GetOrAdd(
                    key,
                    static (k, state) => state.Owner._requests.WithLabels(
                        state.Route,
                        k / 1000 < s_knownMethods.Length ? s_knownMethods[k / 1000] : "OTHER",
                        (k % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    (Owner: _owner, Route: _route));
            }

            child.Inc();
        }

        public void Refused(string reason) => _owner.Refused(reason);

        private static int MethodIndex(string method)
        {
            for (var i = 0; i < s_knownMethods.Length; i++)
            {
                if (ReferenceEquals(s_knownMethods[i], method) || string.Equals(s_knownMethods[i], method, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return s_knownMethods.Length;
        }
    }
}
