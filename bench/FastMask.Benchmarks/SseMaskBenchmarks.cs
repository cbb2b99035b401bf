using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastMask.Masking;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;
using FastMask.Masking.Sse;

namespace FastMask.Benchmarks;

/// <summary>
/// Masking a streamed chat answer: about 200 content events whose text is cut every few characters, so entities
/// fall across events. The body is fed in 1 KB reads (each may span two 4 KB segments), as a socket delivers it.
/// </summary>
[MemoryDiagnoser]
public class SseMaskBenchmarks : IThroughputBenchmark, IDisposable
{
    private const int ContentEvents = 200;
    private const int ReadSize = 1024;

    private ReadOnlySequence<byte> _sequence;
    private CompiledPolicy? _hyperscanPolicy;
    private CompiledPolicy? _regexPolicy;
    private MaskContext? _hyperscanContext;
    private MaskContext? _regexContext;
    private SseMasker? _hyperscan;
    private SseMasker? _regex;
    private readonly PooledBufferWriter _output = new(64 * 1024);

    public long InputBytes => ChatCorpus.SseAnswer(ContentEvents).Length;

    [GlobalSetup]
    public void Setup()
    {
        var bytes = ChatCorpus.SseAnswer(ContentEvents);
        _sequence = Segments.Split(bytes);
        _hyperscanPolicy = PolicyFixture.Default(DetectorEngineKind.Hyperscan);
        _regexPolicy = PolicyFixture.Default(DetectorEngineKind.Regex);
        _hyperscanContext = new MaskContext(_hyperscanPolicy);
        _regexContext = new MaskContext(_regexPolicy);
        _hyperscan = new SseMasker(_hyperscanContext, MaskDirection.Response);
        _regex = new SseMasker(_regexContext, MaskDirection.Response);

        Hyperscan();
        var hyperscanOut = _output.WrittenSpan.ToArray();
        Regex();
        if (_hyperscanContext.ResponseStats.Total == 0 || !hyperscanOut.AsSpan().SequenceEqual(_output.WrittenSpan))
        {
            throw new InvalidOperationException("the stream has nothing to mask, or the engines disagree");
        }
    }

    [Benchmark(Baseline = true)]
    public int Hyperscan() => Run(_hyperscanContext!, _hyperscan!);

    [Benchmark]
    public int Regex() => Run(_regexContext!, _regex!);

    private int Run(MaskContext context, SseMasker masker)
    {
        context.Reset();
        masker.Reset();
        _output.Clear();
        var length = _sequence.Length;
        MaskError result = default;
        for (long at = 0; at < length; at += ReadSize)
        {
            var read = _sequence.Slice(at, Math.Min(ReadSize, length - at));
            result = masker.Feed(read, isFinalBlock: at + ReadSize >= length, _output, out _);
            if (result.IsError)
            {
                break;
            }
        }

        return result.IsOk ? _output.WrittenCount : throw new InvalidOperationException(result.ToString());
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _hyperscan?.Dispose();
        _regex?.Dispose();
        _hyperscanContext?.Dispose();
        _regexContext?.Dispose();
        _hyperscanPolicy?.Dispose();
        _regexPolicy?.Dispose();
        _output.Dispose();
        GC.SuppressFinalize(this);
    }
}
