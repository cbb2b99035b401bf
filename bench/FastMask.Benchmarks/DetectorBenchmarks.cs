using System.Text;
using BenchmarkDotNet.Attributes;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;

namespace FastMask.Benchmarks;

/// <summary>
/// Raw detector throughput on decoded prose (no JSON around it): every built-in pattern, then boundaries,
/// validators and overlap resolution. For tuning patterns and validators apart from the masker.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks : IThroughputBenchmark, IDisposable
{
    private byte[] _text = [];
    private CompiledPolicy? _hyperscan;
    private CompiledPolicy? _regex;
    private readonly MatchBuffer<EntityMatch> _matches = new(256);

    /// <summary>1 KB: one chat message; 64 KB: a long pasted document.</summary>
    [Params(1, 64)]
    public int TextKB { get; set; }

    public long InputBytes => Text(TextKB).Length;

    [GlobalSetup]
    public void Setup()
    {
        _text = Text(TextKB);
        _hyperscan = PolicyFixture.Default(DetectorEngineKind.Hyperscan);
        _regex = PolicyFixture.Default(DetectorEngineKind.Regex);
        if (Hyperscan() == 0 || Hyperscan() != Regex())
        {
            throw new InvalidOperationException("no entities in the text, or the engines disagree");
        }
    }

    [Benchmark(Baseline = true)]
    public int Hyperscan()
    {
        _hyperscan!.Detector.Detect(_text, _matches);
        return _matches.Count;
    }

    [Benchmark]
    public int Regex()
    {
        _regex!.Detector.Detect(_text, _matches);
        return _matches.Count;
    }

    private static byte[] Text(int kb) => Encoding.UTF8.GetBytes(ChatCorpus.Prose(new Random(ChatCorpus.Seed), kb * 1024));

    [GlobalCleanup]
    public void Dispose()
    {
        _hyperscan?.Dispose();
        _regex?.Dispose();
        _matches.Dispose();
        GC.SuppressFinalize(this);
    }
}
