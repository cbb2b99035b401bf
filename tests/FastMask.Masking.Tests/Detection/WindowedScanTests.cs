using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

/// <summary>
/// The detector scans anchored patterns only in the windows around their anchors, with compiled automata. These tests
/// hold that to the plain scan of every pattern over the whole text by each engine: any window that misses a match, any
/// automaton that matches differently from the engines, shows up as a difference.
/// </summary>
public class WindowedScanTests
{
    private const int Seed = 20261204;

    private static readonly Lazy<(EntityDetector Windowed, EntityDetector HyperscanWhole, EntityDetector RegexWhole)> s_detectors = new(() => (
        EntityDetector.Create(BuiltInDetector.Definitions, DetectorEngineKind.Hyperscan, planned: true),
        EntityDetector.Create(BuiltInDetector.Definitions, DetectorEngineKind.Hyperscan, planned: false),
        EntityDetector.Create(BuiltInDetector.Definitions, DetectorEngineKind.Regex, planned: false)));

    // Small alphabets make windows dense, touching and merging; keywords turn the context-gated patterns on.
    private static readonly string[] s_alphabets =
    [
        "0123456789 -.()+/",
        "0123456789abcdefABCDEF:.- ",
        "abcxyz0189._%+-@ :/",
        "AKIASBCKGHP0123456789XYZ_-abgh sk-xox",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=._- ",
        "-BEGINPRVATEKYD +/=\nab",
        "13bcqpzry9x8gf2tvdw0s3jn54khce6mua7l0xABCDEF ",
        "0123456789/.-JanFebMaySeptember, born dob ",
        "eyJ0123456789._-abcXYZ ",
        "0123456789 ssn routing aws secret nhs é€",
    ];

    [Fact]
    public void Detect_Corpus_WindowedSameAsWholeTextInBothEngines()
    {
        var (windowed, hyperscan, regex) = s_detectors.Value;
        var failures = new StringBuilder();
        var entities = 0;
        var documents = PiiCorpus.Generate(Seed, 500);
        foreach (var document in documents)
        {
            entities += Compare(document.Text, windowed, hyperscan, regex, failures);
        }

        entities += Compare(string.Join("\n", documents.Select(d => d.Text)), windowed, hyperscan, regex, failures);
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(entities >= 1000, "the corpus produced too few entities");
    }

    [Fact]
    public void Detect_RandomTextFromPiiAlphabets_WindowedSameAsWholeText()
    {
        var (windowed, hyperscan, regex) = s_detectors.Value;
        var random = new Random(Seed);
        var pii = PiiCorpus.Generate(Seed + 1, 200).SelectMany(d => d.Pii.Select(d.ValueOf)).ToArray();
        string[] keywords = ["SSN ", "routing ", "aws secret ", "NHS ", "born ", "DOB: ", "d.o.b "];
        var failures = new StringBuilder();
        var text = new StringBuilder();
        var entities = 0;
        for (var i = 0; i < 3000 && failures.Length < 20_000; i++)
        {
            var alphabet = s_alphabets[i % s_alphabets.Length];
            text.Clear();
            var length = random.Next(10, 400);
            while (text.Length < length)
            {
                switch (random.Next(16))
                {
                    case 0:
                        text.Append(pii[random.Next(pii.Length)]);
                        break;
                    case 1:
                        text.Append(keywords[random.Next(keywords.Length)]);
                        break;
                    default:
                        text.Append(alphabet[random.Next(alphabet.Length)]);
                        break;
                }
            }

            entities += Compare(text.ToString(), windowed, hyperscan, regex, failures);
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(entities >= 1000, "the random texts produced too few entities");
    }

    [Theory]
    [InlineData("contact me: " + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@")]
    [InlineData("a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a@b.c")]
    [InlineData("x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co x@y.co")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234567890 4111 1111 1111 1111")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----")]
    public void Detect_LongOrRepetitiveWindows_WindowedSameAsWholeText(string input)
    {
        // Long runs make the automaton try many starts: past its step budget it hands the window to the engine.
        var (windowed, hyperscan, regex) = s_detectors.Value;
        var failures = new StringBuilder();
        Compare(input, windowed, hyperscan, regex, failures);
        Compare(string.Concat(Enumerable.Repeat(input + " ", 20)), windowed, hyperscan, regex, failures);
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void Detect_GatedPatternWithoutKeyword_NothingFoundAndWithKeywordFound()
    {
        // A bare nine-digit SSN counts only after a keyword; the plan drops its windows when the text has none.
        var (windowed, _, regex) = s_detectors.Value;

        Assert.DoesNotContain(BuiltInDetector.Detect(windowed, "ticket 123456789 closed"), f => f.Entity == "US_SSN");
        Assert.Contains(new Found("US_SSN", "123456789"), BuiltInDetector.Detect(windowed, "my SSN is 123456789"));
        Assert.Equal(BuiltInDetector.Detect(regex, "my ssn is 123456789"), BuiltInDetector.Detect(windowed, "my ssn is 123456789"));
    }

    [Theory]
    [InlineData(DetectorEngineKind.Hyperscan)]
    [InlineData(DetectorEngineKind.Regex)]
    public void Detect_CustomPatternsOnEveryRoute_WindowedSameAsWholeText(DetectorEngineKind engine)
    {
        // Custom patterns take each route: an automaton (ASCII, case-insensitive), the engine inside windows (a class
        // beyond ASCII has no byte automaton), the engine over the whole text (no usable anchor), and keyword regions.
        PatternSpec[] patterns =
        [
            new("ord-[0-9]{6}") { CaseInsensitive = true, LeftBoundary = BoundaryClass.AlphaNumeric },
            new("[à-ÿ]{2}[0-9]{3}"),
            new("[a-z]{2} [a-z]{3}"),
            new("[a-z]{12}") { ContextKeywords = ["token"], ContextWindow = 20 },
            new("[0-9]{4}-[0-9]{4}"),
        ];
        var definitions = ImmutableArray.CreateRange(patterns.Select((p, i) => new DetectorDefinition(i, p)));
        using var windowed = EntityDetector.Create(definitions, engine, planned: true);
        using var whole = EntityDetector.Create(definitions, engine, planned: false);
        Assert.Null(PatternShape.TryAnalyze(patterns[1].Expression, false)!.Tree);
        Assert.False(AnchorPlan.CanPlan(PatternShape.TryAnalyze(patterns[2].Expression, false)));

        var random = new Random(Seed + 3);
        string[] pieces = ["ORD-123456", "ord-654321", "xord-111111", "éü123", "àà999", "ab cde", "token ", "abcdefghijkl", "1234-5678", " ", "x"];
        var found = 0;
        for (var i = 0; i < 2000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)]));
            var utf8 = Encoding.UTF8.GetBytes(text);
            using var expected = new MatchBuffer<EntityMatch>();
            using var actual = new MatchBuffer<EntityMatch>();
            whole.Detect(utf8, expected);
            windowed.Detect(utf8, actual);
            Assert.True(expected.Items.SequenceEqual(actual.Items), $"'{text}': whole {string.Join(" ", expected.Items.ToArray())}, windowed {string.Join(" ", actual.Items.ToArray())}");
            found += expected.Count;
        }

        Assert.True(found > 2000, "the texts produced too few entities");
    }

    [Theory]
    [InlineData("plain words only", -1)]
    [InlineData("the token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", 10)]
    [InlineData("the token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx and more", -1)]
    [InlineData("key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", 4)]
    [InlineData("short sk-", 6)]
    [InlineData("Intro. Keep your PRIVATE KEY safe, rotate it every few days", -1)]
    public void OpenRunStart_TokenStillGrowingAtTheEnd_StartsWhereItsRunStarts(string text, int expected)
    {
        var start = s_detectors.Value.Windowed.OpenRunStart(Encoding.UTF8.GetBytes(text));

        Assert.Equal(expected < 0 ? int.MaxValue : expected, start);
    }

    [Fact]
    public void FindWindows_EveryWholeTextMatchLiesInAWindowThatScansItsPattern()
    {
        var patterns = BuiltInDetector.Definitions.Select(d => d.Pattern).ToArray();
        var shapes = patterns.Select(p => PatternShape.TryAnalyze(p.Expression, p.CaseInsensitive)).ToArray();
        Assert.All(shapes, s => Assert.True(AnchorPlan.CanPlan(s)));
        var plan = AnchorPlan.Create(shapes!, [.. patterns.Select(p => p.ContextKeywords)]);
        using var whole = ScannerFactory.Create(patterns, DetectorEngineKind.Hyperscan);
        var windows = new ScanWindows();
        var state = new int[AnchorPlan.MaxPatterns];
        var checkedMatches = 0;
        foreach (var document in PiiCorpus.Generate(Seed + 2, 300))
        {
            var utf8 = Encoding.UTF8.GetBytes(document.Text);
            plan.FindWindows(utf8, windows, state);
            using var matches = new MatchBuffer<RawMatch>();
            whole.Scan(utf8, matches);
            foreach (var m in matches.Items)
            {
                // Gated patterns need their keyword somewhere in the text to be looked for at all.
                var keywords = patterns[m.Pattern].ContextKeywords;
                if (keywords is { Count: > 0 } && !keywords.Any(k => document.Text.Contains(k, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                var covered = false;
                for (var w = 0; w < windows.Count && !covered; w++)
                {
                    var (start, end, mask) = windows[w];
                    covered = start <= m.Start && m.End <= end && (mask & (1UL << m.Pattern)) != 0;
                }

                Assert.True(covered, $"pattern {m.Pattern} match [{m.Start},{m.End}) in '{document.Text}' is in no window");
                checkedMatches++;
            }
        }

        Assert.True(checkedMatches > 300, "the corpus produced too few matches to check");
    }

    private static int Compare(string text, EntityDetector windowed, EntityDetector hyperscan, EntityDetector regex, StringBuilder failures)
    {
        var expected = BuiltInDetector.Detect(regex, text);
        var fromHyperscan = BuiltInDetector.Detect(hyperscan, text);
        var actual = BuiltInDetector.Detect(windowed, text);
        if (!expected.SequenceEqual(actual) || !expected.SequenceEqual(fromHyperscan))
        {
            failures.AppendLine($"text:      {text.Replace("\n", "\\n", StringComparison.Ordinal)}")
                .AppendLine($"regex:     {string.Join(" | ", expected)}")
                .AppendLine($"hyperscan: {string.Join(" | ", fromHyperscan)}")
                .AppendLine($"windowed:  {string.Join(" | ", actual)}")
                .AppendLine();
        }

        return expected.Count;
    }
}

/// <summary>Reading expressions: widths, anchors and trees.</summary>
public class PatternShapeTests
{
    [Theory]
    [InlineData("[0-9]{3}-[0-9]{2}-[0-9]{4}", 11, 11)]
    [InlineData("[2-6][0-9]{12,18}", 13, 19)]
    [InlineData("(1[ .\\-]?)?[2-9][0-9]{2}", 3, 5)]
    [InlineData("é[a-z]+", 3, PatternShape.Unbounded)]
    [InlineData("ab|cde", 2, 3)]
    public void TryAnalyze_Widths(string expression, int min, int max)
    {
        var shape = PatternShape.TryAnalyze(expression, caseInsensitive: false);

        Assert.NotNull(shape);
        Assert.Equal(min, shape.MinWidth);
        Assert.Equal(max, shape.MaxWidth);
    }

    [Theory]
    [InlineData("[0-9]+\\d")]
    [InlineData("a.b")]
    [InlineData("[^a]bc")]
    [InlineData("(?=a)abc")]
    [InlineData("a+?")]
    [InlineData("^abc")]
    [InlineData("a*")]
    public void TryAnalyze_OutsideTheSubsetOrEmpty_Null(string expression)
    {
        Assert.Null(PatternShape.TryAnalyze(expression, caseInsensitive: false));
    }

    [Fact]
    public void TryAnalyze_Email_AnchoredOnAt()
    {
        var shape = PatternShape.TryAnalyze(BuiltInPatterns.Email, caseInsensitive: false)!;

        Assert.NotNull(shape.Anchor);
        Assert.Equal(["@"], Bytes(shape.Anchor.Bytes));
        Assert.Null(shape.Anchor.Literal);
        Assert.False(shape.RequiresDigit);
        Assert.False(shape.Alphabet[' ']);
    }

    [Fact]
    public void TryAnalyze_Jwt_AnchoredOnLiteral()
    {
        var shape = PatternShape.TryAnalyze(BuiltInPatterns.Jwt, caseInsensitive: false)!;

        Assert.Equal("eyJ", Encoding.ASCII.GetString(shape.Anchor!.Literal!));
        Assert.Equal('J', (char)shape.Anchor.Literal![shape.Anchor.LiteralOffset]);
    }

    [Fact]
    public void TryAnalyze_CaseInsensitiveLetters_NoLiteralAndBothCasesInAlphabet()
    {
        var shape = PatternShape.TryAnalyze("key-[0-9]{4}", caseInsensitive: true)!;

        Assert.True(shape.Alphabet['K'] && shape.Alphabet['k']);
        Assert.True(shape.Anchor!.Literal is null || !shape.Anchor.Literal.Any(b => char.IsAsciiLetter((char)b)));
        Assert.True(shape.RequiresDigit);
    }

    [Fact]
    public void TryAnalyze_NonAsciiClass_NoTree()
    {
        Assert.Null(PatternShape.TryAnalyze("[à-ÿ]{3}[0-9]", caseInsensitive: false)!.Tree);
        Assert.NotNull(PatternShape.TryAnalyze("é[0-9]", caseInsensitive: false)!.Tree);
    }

    private static string[] Bytes(bool[] set) => [.. Enumerable.Range(0, 256).Where(b => set[b]).Select(b => ((char)b).ToString())];
}

/// <summary>The compiled automata give the engines' canonical matches, alone and combined.</summary>
public class PatternDfaTests
{
    [Theory]
    [InlineData("[0-9]{3}-[0-9]{2}-[0-9]{4}", "a 123-45-6789 b 123-45-67890 00-123-45-6789")]
    [InlineData("[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}", "a@b.com.c@d.org x..y@z.io no@tld @x.com")]
    [InlineData("[0-9]{1,3}(\\.[0-9]{1,3}){3,4}", "1.2.3.4.5.6.7 10.0.0.1 999.1.1.1.")]
    [InlineData("abcd|ab|bc", "abcdabcbcab")]
    [InlineData("(x[0-9]){2,3}y?", "x1x2x3x4yx5x6y")]
    [InlineData("é+[0-9]", "ééé1 é2 e3 éé")]
    public void TryScan_SameAsRegexScanner(string expression, string text)
    {
        var pattern = new PatternSpec(expression);
        var shape = PatternShape.TryAnalyze(expression, caseInsensitive: false)!;
        var dfa = PatternDfa.TryBuild([(shape.Tree!, 0)])!;
        using var regex = new RegexScanner([pattern]);
        var utf8 = Encoding.UTF8.GetBytes(text);
        using var expected = new MatchBuffer<RawMatch>();
        using var actual = new MatchBuffer<RawMatch>();

        regex.Scan(utf8, expected);
        Assert.True(dfa.TryScan(utf8, 1, actual));

        Assert.NotEqual(0, expected.Count);
        Assert.Equal(expected.Items.ToArray(), actual.Items.ToArray());
    }

    [Fact]
    public void TryScan_CombinedAutomaton_SameAsEachPatternAlone()
    {
        // Overlapping shapes: each pattern keeps its own position, as if scanned alone.
        string[] expressions = ["[0-9]{9}", "[0-9]{3}-[0-9]{2}-[0-9]{4}", "[0-9]{3}[ \\-][0-9]{3}[ \\-][0-9]{4}", "[2-6][0-9]{12,18}"];
        var trees = expressions.Select((e, i) => (PatternShape.TryAnalyze(e, caseInsensitive: false)!.Tree!, i)).ToArray();
        var combined = PatternDfa.TryBuild(trees)!;
        var random = new Random(5);
        for (var round = 0; round < 500; round++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(5, 80)).Select(_ => "0123456789 -x"[random.Next(13)])]);
            var utf8 = Encoding.ASCII.GetBytes(text);
            using var all = new MatchBuffer<RawMatch>();
            Assert.True(combined.TryScan(utf8, 0b1111, all));
            for (var p = 0; p < expressions.Length; p++)
            {
                using var regex = new RegexScanner([new PatternSpec(expressions[p])]);
                using var expected = new MatchBuffer<RawMatch>();
                regex.Scan(utf8, expected);
                var fromCombined = all.Items.ToArray().Where(m => m.Pattern == p).Select(m => (m.Start, m.End));
                Assert.Equal(expected.Items.ToArray().Select(m => (m.Start, m.End)), fromCombined);
            }
        }
    }

    [Fact]
    public void TryScan_OnlyRequestedPatterns()
    {
        string[] expressions = ["[0-9]{3}", "[a-z]{3}"];
        var trees = expressions.Select((e, i) => (PatternShape.TryAnalyze(e, caseInsensitive: false)!.Tree!, i)).ToArray();
        var combined = PatternDfa.TryBuild(trees)!;
        using var matches = new MatchBuffer<RawMatch>();

        Assert.True(combined.TryScan("abc 123"u8, 0b10, matches));

        Assert.Equal([new RawMatch(1, 0, 3)], matches.Items.ToArray());
        Assert.Equal(0b11UL, combined.Patterns);
    }

    [Fact]
    public void TryScan_QuadraticWindow_GivesUpAndLeavesNothing()
    {
        var tree = PatternShape.TryAnalyze("[a-z]+@[a-z]+\\.[a-z]{2,}", caseInsensitive: false)!.Tree!;
        var dfa = PatternDfa.TryBuild([(tree, 0)])!;
        using var matches = new MatchBuffer<RawMatch>();
        matches.Add(new RawMatch(7, 0, 1));

        // Every start runs to the '@' and fails after it: far more steps than the window has bytes.
        var window = Encoding.ASCII.GetBytes(new string('a', 2000) + "@");

        Assert.False(dfa.TryScan(window, 1, matches));
        Assert.Equal([new RawMatch(7, 0, 1)], matches.Items.ToArray());
    }

    [Fact]
    public void TryBuild_TooManyStates_Null()
    {
        // A counted repeat inside a counted repeat of an unanchored class multiplies the automaton's states.
        var tree = PatternShape.TryAnalyze("([a-z0-9]{1,30}[0-9]){1,40}", caseInsensitive: false)!.Tree!;

        Assert.Null(PatternDfa.TryBuild([(tree, 0)]));
    }
}
