using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

/// <summary>
/// Every built-in pattern must give the same matches in Hyperscan and in .NET Regex (the canonical semantics of
/// <see cref="IPatternScanner"/>), so detection does not depend on the engine a machine happens to have. These
/// tests need libhs: on a machine without it they fail rather than skip.
/// </summary>
public class EngineDifferentialTests
{
    private const int Seed = 20261203;

    private static readonly PatternSpec[] s_patterns = [.. BuiltInDetector.Definitions.Select(d => d.Pattern)];

    // Small alphabets make the patterns' edge cases (separators, adjacency, partial shapes) dense.
    private static readonly string[] s_alphabets =
    [
        "0123456789 -.()+/",
        "0123456789 -",
        "0123456789abcdefABCDEF:.- []",
        "abcxyz0189._%+-@ :/",
        "AKIASBCGHP0123456789XYZ_-abgh ",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=._- ",
        "-BEGINPRVATEKYD +/=\nab",
        "13bcqpzry9x8gf2tvdw0s3jn54khce6mua7l0xABCDEF ",
        "0123456789/.-JanFebMaySeptember, ",
        "eyJ0123456789._-abcXYZ ",
    ];

    [Fact]
    public void Hyperscan_IsAvailable()
    {
        Assert.True(HyperscanScanner.IsAvailable(out var reason), $"Hyperscan is required for the differential tests: {reason}");
    }

    [Fact]
    public void Scan_Corpus_SameRawMatchesInBothEngines()
    {
        using var hyperscan = ScannerFactory.Create(s_patterns, DetectorEngineKind.Hyperscan);
        using var regex = ScannerFactory.Create(s_patterns, DetectorEngineKind.Regex);
        Assert.Equal(DetectorEngineKind.Hyperscan, hyperscan.Engine);
        var corpus = PiiCorpus.Generate(Seed, 600);
        var failures = new StringBuilder();
        var total = 0;
        foreach (var document in corpus)
        {
            total += CompareRaw(hyperscan, regex, document.Text, failures);
        }

        total += CompareRaw(hyperscan, regex, string.Join("\n", corpus.Select(d => d.Text)), failures);
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(total > corpus.Length, "the corpus produced almost no raw matches");
    }

    [Fact]
    public void Detect_Corpus_SameEntitySpansInBothEngines()
    {
        using var hyperscan = BuiltInDetector.Create(DetectorEngineKind.Hyperscan);
        Assert.Equal(DetectorEngineKind.Hyperscan, hyperscan.Engine);
        var failures = new StringBuilder();
        var entities = 0;
        foreach (var document in PiiCorpus.Generate(Seed + 1, 600))
        {
            var expected = BuiltInDetector.Detect(BuiltInDetector.Regex, document.Text);
            var actual = BuiltInDetector.Detect(hyperscan, document.Text);
            entities += expected.Count;
            if (!expected.SequenceEqual(actual))
            {
                failures.AppendLine($"text:      {document.Text}")
                    .AppendLine($"regex:     {string.Join(" | ", expected)}")
                    .AppendLine($"hyperscan: {string.Join(" | ", actual)}")
                    .AppendLine();
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(entities >= 600, "the corpus produced too few entities");
    }

    [Fact]
    public void Scan_RandomTextFromPiiAlphabets_SameRawMatchesInBothEngines()
    {
        using var hyperscan = ScannerFactory.Create(s_patterns, DetectorEngineKind.Hyperscan);
        using var regex = ScannerFactory.Create(s_patterns, DetectorEngineKind.Regex);
        var random = new Random(Seed);
        var pii = PiiCorpus.Generate(Seed + 2, 200).SelectMany(d => d.Pii.Select(d.ValueOf)).ToArray();
        var failures = new StringBuilder();
        var text = new StringBuilder();
        for (var i = 0; i < 4000 && failures.Length < 20_000; i++)
        {
            var alphabet = s_alphabets[i % s_alphabets.Length];
            text.Clear();
            var length = random.Next(20, 240);
            while (text.Length < length)
            {
                // Real values spliced into noise: their edges touch arbitrary neighbours.
                if (random.Next(12) == 0)
                {
                    text.Append(pii[random.Next(pii.Length)]);
                }
                else
                {
                    text.Append(alphabet[random.Next(alphabet.Length)]);
                }
            }

            CompareRaw(hyperscan, regex, text.ToString(), failures);
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    private static int CompareRaw(IPatternScanner hyperscan, IPatternScanner regex, string text, StringBuilder failures)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var expected = Scan(regex, utf8);
        var actual = Scan(hyperscan, utf8);
        if (expected.SequenceEqual(actual))
        {
            return expected.Length;
        }

        foreach (var p in expected.Concat(actual).Select(m => m.Pattern).Distinct())
        {
            var e = expected.Where(m => m.Pattern == p).ToArray();
            var a = actual.Where(m => m.Pattern == p).ToArray();
            if (!e.SequenceEqual(a))
            {
                failures.AppendLine($"pattern {p}: {s_patterns[p].Expression}")
                    .AppendLine($"  text:      {Escape(text)}")
                    .AppendLine($"  regex:     {Describe(utf8, e)}")
                    .AppendLine($"  hyperscan: {Describe(utf8, a)}");
            }
        }

        return expected.Length;
    }

    private static ImmutableArray<RawMatch> Scan(IPatternScanner scanner, byte[] utf8)
    {
        using var buffer = new MatchBuffer<RawMatch>();
        scanner.Scan(utf8, buffer);
        return [.. buffer.Items.ToArray().OrderBy(m => m.Pattern).ThenBy(m => m.Start).ThenBy(m => m.End)];
    }

    private static string Describe(byte[] utf8, RawMatch[] matches) =>
        string.Join(" ", matches.Select(m => $"[{m.Start},{m.End}) '{Escape(Encoding.UTF8.GetString(utf8, m.Start, m.Length))}'"));

    private static string Escape(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal);
}
