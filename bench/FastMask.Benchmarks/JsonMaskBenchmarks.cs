using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using FastMask.Masking;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Benchmarks;

/// <summary>
/// Masking a chat.completions request body, against the cost of only reading it (the ceiling) and against what
/// users write without FastMask (parse into a DOM, regex-replace every string, serialize again).
/// </summary>
[MemoryDiagnoser]
public class JsonMaskBenchmarks : IThroughputBenchmark, IDisposable
{
    private byte[] _bytes = [];
    private ReadOnlySequence<byte> _sequence;
    private CompiledPolicy? _hyperscanPolicy;
    private CompiledPolicy? _regexPolicy;
    private MaskContext? _hyperscan;
    private MaskContext? _regex;
    private readonly PooledBufferWriter _output = new(64 * 1024);
    private (Regex Pattern, string Replacement)[] _naive = [];

    [Params(1, 16, 256)]
    public int SizeKB { get; set; }

    public long InputBytes => ChatCorpus.ChatRequest(SizeKB * 1024).Length;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = ChatCorpus.ChatRequest(SizeKB * 1024);
        _sequence = Segments.Split(_bytes);
        _hyperscanPolicy = PolicyFixture.Default(DetectorEngineKind.Hyperscan);
        _regexPolicy = PolicyFixture.Default(DetectorEngineKind.Regex);
        _hyperscan = new MaskContext(_hyperscanPolicy);
        _regex = new MaskContext(_regexPolicy);

        var naive = new List<(Regex, string)>();
        foreach (var entity in BuiltInEntities.All)
        {
            foreach (var pattern in entity.Patterns)
            {
                var options = RegexOptions.Compiled | RegexOptions.CultureInvariant | (pattern.CaseInsensitive ? RegexOptions.IgnoreCase : RegexOptions.None);
                naive.Add((new Regex(pattern.Expression, options), "[" + entity.Name + "]"));
            }
        }

        _naive = [.. naive];

        // Every method must do its full job on this input, or the comparison means nothing.
        var hyperscanOut = MaskOnce(_hyperscan);
        var regexOut = MaskOnce(_regex);
        if (!hyperscanOut.AsSpan().SequenceEqual(regexOut))
        {
            throw new InvalidOperationException("Hyperscan and Regex engines masked the corpus differently");
        }

        if (_hyperscan.RequestStats.Total == 0 || hyperscanOut.AsSpan().SequenceEqual(_bytes))
        {
            throw new InvalidOperationException("the corpus has nothing to mask");
        }

        if (Reader() == 0 || !Naive().Contains("[EMAIL_ADDRESS]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("a comparison method did no work");
        }
    }

    /// <summary>(a) The ceiling: Utf8JsonReader visiting every token of the same multi-segment input.</summary>
    [Benchmark(Baseline = true)]
    public int Reader() => CountTokens(_sequence);

    /// <summary>Reads every token of <paramref name="sequence"/> with Utf8JsonReader and counts them.</summary>
    internal static int CountTokens(ReadOnlySequence<byte> sequence)
    {
        var reader = new Utf8JsonReader(sequence, isFinalBlock: true, state: default);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    /// <summary>(b) FastMask with Hyperscan; context and output buffer reused, as the gateway does per connection.</summary>
    [Benchmark]
    public int FastMaskHyperscan() => Mask(_hyperscan!);

    /// <summary>(c) FastMask with the .NET Regex engine (the fallback).</summary>
    [Benchmark]
    public int FastMaskRegex() => Mask(_regex!);

    /// <summary>(d) The naive baseline: JsonNode DOM, Regex.Replace with every built-in pattern on each string, serialize.</summary>
    [Benchmark]
    public string Naive()
    {
        var root = JsonNode.Parse(_bytes)!;
        RedactStrings(root);
        return root.ToJsonString();
    }

    private int Mask(MaskContext context)
    {
        context.Reset();
        _output.Clear();
        var result = JsonMasker.Mask(context, MaskDirection.Request, _sequence, _output);
        return result.IsOk ? _output.WrittenCount : throw new InvalidOperationException(result.ToString());
    }

    private byte[] MaskOnce(MaskContext context)
    {
        Mask(context);
        return _output.WrittenSpan.ToArray();
    }

    private void RedactStrings(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(static p => p.Key).ToList())
            {
                var child = obj[key];
                if (child is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    obj[key] = Redact(text);
                }
                else
                {
                    RedactStrings(child);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    array[i] = Redact(text);
                }
                else
                {
                    RedactStrings(array[i]);
                }
            }
        }
    }

    private string Redact(string text)
    {
        foreach (var (pattern, replacement) in _naive)
        {
            text = pattern.Replace(text, replacement);
        }

        return text;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _hyperscan?.Dispose();
        _regex?.Dispose();
        _hyperscanPolicy?.Dispose();
        _regexPolicy?.Dispose();
        _output.Dispose();
        GC.SuppressFinalize(this);
    }
}
