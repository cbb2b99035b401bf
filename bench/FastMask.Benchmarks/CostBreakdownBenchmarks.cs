using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FastMask.Masking;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Benchmarks;

/// <summary>
/// Where the time of (b) goes, on the same chat.completions bodies as <see cref="JsonMaskBenchmarks"/>: the JSON walk
/// without any detector, FastMask's detection alone over the document's decoded string values, and what Hyperscan
/// alone takes to scan those strings for every built-in pattern (block mode, leftmost start, no windows, no checks
/// after the match), which is the floor of a design that hands each string to Hyperscan.
/// </summary>
[MemoryDiagnoser]
public class CostBreakdownBenchmarks : IThroughputBenchmark, IDisposable
{
    private const string NoDetectorsPolicy = """
        {
          "apiVersion": "fastmask/v1",
          "version": "walk-only",
          "levels": ["public"],
          "detectors": { "builtIn": [], "defaultLevel": "public" },
          "actions": { "request": { "public": "keep" }, "response": { "public": "keep" } }
        }
        """;

    private ReadOnlySequence<byte> _sequence;
    private byte[][] _strings = [];
    private CompiledPolicy? _walkPolicy;
    private CompiledPolicy? _policy;
    private MaskContext? _walk;
    private HyperscanScanner? _hyperscan;
    private readonly MatchBuffer<RawMatch> _raw = new(256);
    private readonly MatchBuffer<EntityMatch> _matches = new(256);
    private readonly PooledBufferWriter _output = new(64 * 1024);

    [Params(1, 16)]
    public int SizeKB { get; set; }

    public long InputBytes => ChatCorpus.ChatRequest(SizeKB * 1024).Length;

    [GlobalSetup]
    public void Setup()
    {
        var bytes = ChatCorpus.ChatRequest(SizeKB * 1024);
        _sequence = Segments.Split(bytes);
        _strings = StringValues(bytes);
        _policy = PolicyFixture.Default(DetectorEngineKind.Hyperscan);
        var walk = PolicyLoader.Load(Encoding.UTF8.GetBytes(NoDetectorsPolicy), new PolicyCompileOptions { Engine = DetectorEngineKind.Hyperscan });
        _walkPolicy = walk.Policy ?? throw new InvalidOperationException("walk-only policy: " + string.Join("; ", walk.Errors));
        _walk = new MaskContext(_walkPolicy);
        _hyperscan = new HyperscanScanner([.. BuiltInEntities.All.SelectMany(static e => e.Patterns)]);
        if (WalkOnly() != bytes.Length || DetectOnly() == 0 || HyperscanWholeText() < DetectOnly())
        {
            throw new InvalidOperationException("a breakdown method did not do its work");
        }
    }

    /// <summary>Utf8JsonReader visiting every token: the same ceiling as in <see cref="JsonMaskBenchmarks"/>.</summary>
    [Benchmark(Baseline = true)]
    public int Reader() => JsonMaskBenchmarks.CountTokens(_sequence);

    /// <summary>JsonMasker.Mask under a policy with no detectors and no field rules: read, check and write, nothing scanned.</summary>
    [Benchmark]
    public int WalkOnly()
    {
        _walk!.Reset();
        _output.Clear();
        var result = JsonMasker.Mask(_walk, MaskDirection.Request, _sequence, _output);
        return result.IsOk ? _output.WrittenCount : -1;
    }

    /// <summary>EntityDetector.Detect (default policy) over each decoded string value: detection without the walk.</summary>
    [Benchmark]
    public int DetectOnly()
    {
        var found = 0;
        foreach (var text in _strings)
        {
            _policy!.Detector.Detect(text, _matches);
            found += _matches.Count;
        }

        return found;
    }

    /// <summary>Hyperscan alone over each decoded string value, every built-in pattern, raw matches only.</summary>
    [Benchmark]
    public int HyperscanWholeText()
    {
        var found = 0;
        foreach (var text in _strings)
        {
            _raw.Clear();
            _hyperscan!.Scan(text, _raw);
            found += _raw.Count;
        }

        return found;
    }

    private static byte[][] StringValues(byte[] document)
    {
        var strings = new List<byte[]>();
        var reader = new Utf8JsonReader(document);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                strings.Add(Encoding.UTF8.GetBytes(reader.GetString()!));
            }
        }

        return [.. strings];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _walk?.Dispose();
        _walkPolicy?.Dispose();
        _policy?.Dispose();
        _hyperscan?.Dispose();
        _raw.Dispose();
        _matches.Dispose();
        _output.Dispose();
        GC.SuppressFinalize(this);
    }
}
