using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

// These tests need libhs: CI installs it, and a machine without it must fail them rather than skip.
public class HyperscanScannerTests
{
    private const string Email = "[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}";

    /// <summary>Realistic detector shapes, written in the subset both engines share.</summary>
    private static readonly PatternSpec[] s_piiPatterns =
    [
        new(Email) { CaseInsensitive = true },
        new("[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,7}"),
        new("[0-9]{3}-[0-9]{2}-[0-9]{4}"),
        new("[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}"),
        new("\\+?[0-9]{1,3}[ .-]?\\(?[0-9]{3}\\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}"),
        new("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}"),
        new("[0-9a-f]{2}(:[0-9a-f]{2}){5}") { CaseInsensitive = true },
        new("(AKIA|ASIA)[A-Z0-9]{16}"),
        new("gh[pousr]_[A-Za-z0-9]{36,255}"),
        new("sk-[A-Za-z0-9_-]{20,}"),
        new("xox[abprs]-[A-Za-z0-9-]{10,}"),
        new("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"),
        new("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
        new("[a-z][a-z0-9+.-]*://[^/:@ ]+:[^/@ ]+@[^ ]+") { CaseInsensitive = true },
        new("a+"),
        new("ab|b+c"),
        new("[0-9]+(-[0-9]+)*"),
        new("x.*y"),
        new("é+[a-z]"),
        new("(ab)+"),
    ];

    private static readonly string[] s_inputs =
    [
        "",
        "plain text with nothing in it",
        "Contact: john.doe@example.com, JANE@EXAMPLE.ORG; a@b.com.c@d.org",
        "a@b.co.a@b.co.a@b.co.a@b.co",
        "card 4111 1111 1111 1111 and 4111-1111-1111-1111 and 41111111111111111111111",
        "ssn 123-45-6789 and 123-45-67890 and 1123-45-6789",
        "iban DE89370400440532013000 GB29NWBK60161331926819",
        "call +1 (555) 123-4567 or 555.123.4567 or 5551234567",
        "ip 192.168.0.1 and 10.0.0.256 and 1.2.3.4.5.6.7.8",
        "mac 00:1A:2b:3C:4d:5E and 00:1a:2b:3c:4d:5e:6f",
        "AKIAIOSFODNN7EXAMPLE ASIAIOSFODNN7EXAMPLEXYZ",
        "token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB and sk-proj_abc-DEF_0123456789xyz",
        "slack xoxb-1234567890-abcdefghij",
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nature-123",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        "url https://user:p4ss@db.example.com/x and ftp://anon:x@h",
        "aaa baa",
        "abbc abc bbbbc ab",
        "12-34-56 7--8 9-",
        "xay xyy x\ny xxyy",
        "ééa éb éé ée",
        "ababab aba",
        "Zoë's card: 4111 1111 1111 1111 — café ☕ at 日本 192.168.1.1; e-mail zoë@exämple.com, zoe@example.com 😀 aaa",
        "日本語のテキスト 123-45-6789 とメール test.user+tag@sub.example.co.uk ですé",
    ];

    /// <summary>Compiling twenty patterns takes a noticeable fraction of a second: one pair serves the read-only tests.</summary>
    private static readonly Lazy<(HyperscanScanner Hyperscan, RegexScanner Regex)> s_pii =
        new(() => (new HyperscanScanner(s_piiPatterns), new RegexScanner(s_piiPatterns, System.Text.RegularExpressions.Regex.InfiniteMatchTimeout)));

    public static TheoryData<int> InputIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < s_inputs.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [InlineData("[0-9]{3}", "1234567", new[] { 0, 3, 3, 6 })]
    [InlineData("a+", "aaa baa", new[] { 0, 3, 5, 7 })]
    [InlineData(Email, "mail john.doe@example.com now", new[] { 5, 25 })]
    [InlineData("ab|b+c", "abbc", new[] { 0, 2, 2, 4 })]
    [InlineData(Email, "a@b.com.c@d.org", new[] { 0, 7, 7, 15 })]
    [InlineData("[0-9]+", "no digits", new int[0])]
    public void Scan_SinglePattern_GivesCanonicalSpans(string pattern, string input, int[] expected)
    {
        using var scanner = new HyperscanScanner([new PatternSpec(pattern)]);

        var spans = Spans(scanner, Encoding.UTF8.GetBytes(input));

        Assert.Equal(expected, spans);
    }

    [Theory]
    [MemberData(nameof(InputIndexes))]
    public void Scan_PiiPatterns_SameAsRegexScanner(int inputIndex)
    {
        var utf8 = Encoding.UTF8.GetBytes(s_inputs[inputIndex]);
        var (hyperscan, regex) = s_pii.Value;

        Assert.Equal(Matches(regex, utf8), Matches(hyperscan, utf8));
    }

    [Fact]
    public void Scan_PiiPatterns_FindsEveryEmailOnce()
    {
        using var scanner = new HyperscanScanner([new PatternSpec(Email) { CaseInsensitive = true }]);
        var text = Encoding.UTF8.GetBytes(s_inputs[2]);

        var found = Matches(scanner, text);

        Assert.Equal(
            ["john.doe@example.com", "JANE@EXAMPLE.ORG", "a@b.com", ".c@d.org"],
            found.Select(m => Encoding.UTF8.GetString(text.AsSpan(m.Start, m.Length))).ToArray());
    }

    [Fact]
    public void Scan_RandomTexts_SameAsRegexScanner()
    {
        // Small alphabets make overlapping and straddling reports frequent, which is where the reduction is tested.
        PatternSpec[] patterns =
        [
            new("a+b*"),
            new("ab|b+c"),
            new("[ab]+c?"),
            new("a[bc]*a"),
            new("[a-c]+@[a-c.]+\\.[a-c]{2,}"),
            new("[0-9]+(-[0-9]+)*"),
            new("b.*c"),
            new("é[a-c]+|c+é"),
            new("A[ab]{2,4}") { CaseInsensitive = true },
        ];
        const string alphabet = "abcabcAB@..1-2 é€\n";
        using var hyperscan = new HyperscanScanner(patterns);
        using var regex = new RegexScanner(patterns);
        var random = new Random(20240611);
        var chars = new char[48];

        for (var n = 0; n < 3000; n++)
        {
            var length = random.Next(chars.Length);
            for (var i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars, 0, length);
            var utf8 = Encoding.UTF8.GetBytes(text);
            var expected = Matches(regex, utf8);
            var actual = Matches(hyperscan, utf8);
            Assert.True(expected.SequenceEqual(actual), $"input \"{text}\": expected {Format(expected)}, got {Format(actual)}");
        }
    }

    [Fact]
    public void Scan_LongTextWithScatteredMatches_SameAsRegexScanner()
    {
        // Matches far apart, side by side and very long (a 5000-character local part), so that the windows in which
        // starts are looked up are separate, merged, and reach back to the start of the text.
        var random = new Random(7);
        var text = new StringBuilder();
        string[] pieces =
        [
            "4111 1111 1111 1111", "123-45-6789", "john.doe@example.com", "a@b.com.c@d.org", "192.168.1.1",
            "+1 (555) 123-4567", "aaa", "abbbc", "xé y", "12-34-5", "AKIAIOSFODNN7EXAMPLE", "ééé€a",
        ];
        while (text.Length < 100_000)
        {
            text.Append(' ', random.Next(0, 3000) * (random.Next(3) == 0 ? 0 : 1));
            text.Append(pieces[random.Next(pieces.Length)]);
            if (random.Next(25) == 0)
            {
                text.Append(new string('k', 5000)).Append("@example.com");
            }
        }

        var utf8 = Encoding.UTF8.GetBytes(text.ToString());
        var (hyperscan, regex) = s_pii.Value;

        var expected = Matches(regex, utf8);

        Assert.True(expected.Length > 100);
        Assert.Equal(expected, Matches(hyperscan, utf8));
    }

    [Fact]
    public void Scan_CaseInsensitive_MatchesBothCases()
    {
        using var scanner = new HyperscanScanner([new PatternSpec("secret-[a-z]+") { CaseInsensitive = true }, new PatternSpec("key")]);

        var found = Matches(scanner, "SECRET-Abc key KEY"u8.ToArray());

        Assert.Equal([new RawMatch(0, 0, 10), new RawMatch(1, 11, 14)], found);
    }

    [Fact]
    public void Scan_MultiByteText_ReportsByteOffsets()
    {
        using var scanner = new HyperscanScanner([new PatternSpec("[0-9]{3}-[0-9]{2}-[0-9]{4}")]);
        var text = Encoding.UTF8.GetBytes("日本 😀 123-45-6789 é");

        var found = Matches(scanner, text);

        var start = Encoding.UTF8.GetByteCount("日本 😀 ");
        Assert.Equal([new RawMatch(0, start, start + 11)], found);
    }

    [Fact]
    public void Scan_AppendsWithoutClearing()
    {
        using var scanner = new HyperscanScanner([new PatternSpec("x")]);
        using var buffer = new MatchBuffer<RawMatch>();
        buffer.Add(new RawMatch(9, 1, 2));

        scanner.Scan("axa"u8, buffer);

        Assert.Equal([new RawMatch(9, 1, 2), new RawMatch(0, 1, 2)], buffer.Items.ToArray());
    }

    [Fact]
    public void Scan_InvalidUtf8_Throws()
    {
        using var scanner = new HyperscanScanner([new PatternSpec("x")]);
        using var buffer = new MatchBuffer<RawMatch>();

        Assert.Throws<ArgumentException>(() => scanner.Scan([(byte)'x', 0xFF, (byte)'x'], buffer));
    }

    [Fact]
    public void Constructor_NoPatterns_ScansToNothing()
    {
        using var scanner = new HyperscanScanner([]);
        using var buffer = new MatchBuffer<RawMatch>();

        scanner.Scan("anything 123"u8, buffer);

        Assert.Equal(0, buffer.Count);
        Assert.Equal(DetectorEngineKind.Hyperscan, scanner.Engine);
    }

    [Fact]
    public void Constructor_BadPattern_ReportsItsIndex()
    {
        var e = Assert.Throws<PatternCompileException>(
            () => new HyperscanScanner([new PatternSpec("[0-9]+"), new PatternSpec("abc"), new PatternSpec("(?=x)abc")]));

        Assert.Equal(2, e.PatternIndex);
        Assert.StartsWith("pattern 2: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(?=x)x")]
    [InlineData("a(?!b)")]
    [InlineData("(a)\\1")]
    [InlineData("a*")]
    [InlineData("(unclosed")]
    public void TryValidate_Unsupported_IsRejectedWithMessage(string expression)
    {
        var valid = HyperscanScanner.TryValidate(new PatternSpec(expression), out var error);

        Assert.False(valid);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData(Email)]
    [InlineData("[0-9]{3}-[0-9]{2}-[0-9]{4}")]
    [InlineData("(AKIA|ASIA)[A-Z0-9]{16}")]
    public void TryValidate_Supported_IsAccepted(string expression)
    {
        var valid = HyperscanScanner.TryValidate(new PatternSpec(expression) { CaseInsensitive = true }, out var error);

        Assert.True(valid, error);
        Assert.Null(error);
    }

    [Fact]
    public void IsAvailable_LibraryInstalled_IsTrue()
    {
        Assert.True(HyperscanScanner.IsAvailable(out var reason), reason);
    }

    [Fact]
    public void Scan_SteadyState_AllocatesNothing()
    {
        var scanner = s_pii.Value.Hyperscan;
        using var buffer = new MatchBuffer<RawMatch>(256);
        var texts = s_inputs.Select(Encoding.UTF8.GetBytes).ToArray();
        var found = 0;
        for (var i = 0; i < 3; i++)
        {
            foreach (var text in texts)
            {
                buffer.Clear();
                scanner.Scan(text, buffer);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            foreach (var text in texts)
            {
                buffer.Clear();
                scanner.Scan(text, buffer);
                found += buffer.Count;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(found > 0);
    }

    [Fact]
    public void Scan_ConcurrentThreads_EachGetsCorrectMatches()
    {
        var (scanner, regex) = s_pii.Value;
        var texts = s_inputs.Select(Encoding.UTF8.GetBytes).ToArray();
        var expected = texts.Select(t => Matches(regex, t)).ToArray();
        const int threadCount = 6;
        var failures = new int[threadCount];
        var scans = new int[threadCount];
        using var start = new Barrier(threadCount);
        var threads = new Thread[threadCount];
        for (var t = 0; t < threadCount; t++)
        {
            var id = t;
            threads[t] = new Thread(() =>
            {
                using var buffer = new MatchBuffer<RawMatch>();
                start.SignalAndWait();
                for (var n = 0; n < 200; n++)
                {
                    var k = (n + id) % texts.Length;
                    buffer.Clear();
                    scanner.Scan(texts[k], buffer);
                    if (!Sorted(buffer.Items.ToArray()).SequenceEqual(expected[k]))
                    {
                        failures[id]++;
                    }

                    scans[id]++;
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, f => Assert.Equal(0, f));
        Assert.All(scans, s => Assert.Equal(200, s));
    }

    [Fact]
    public void Dispose_ThenScan_ThrowsObjectDisposed()
    {
        var scanner = new HyperscanScanner([new PatternSpec("x")]);
        using var buffer = new MatchBuffer<RawMatch>();
        scanner.Scan("x"u8, buffer);

        scanner.Dispose();
        scanner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => scanner.Scan("x"u8, buffer));
    }

    [Fact]
    public void Dispose_OneOfTwoScanners_OtherKeepsWorking()
    {
        using var current = new HyperscanScanner([new PatternSpec("new")]);
        var previous = new HyperscanScanner([new PatternSpec("old")]);
        using var buffer = new MatchBuffer<RawMatch>();
        previous.Scan("old new"u8, buffer);

        previous.Dispose();
        current.Scan("old new"u8, buffer);

        Assert.Equal([new RawMatch(0, 0, 3), new RawMatch(0, 4, 7)], buffer.Items.ToArray());
    }

    private static RawMatch[] Matches(IPatternScanner scanner, byte[] utf8)
    {
        using var buffer = new MatchBuffer<RawMatch>();
        scanner.Scan(utf8, buffer);
        return Sorted(buffer.Items.ToArray());
    }

    private static RawMatch[] Sorted(RawMatch[] matches) =>
        [.. matches.OrderBy(m => m.Pattern).ThenBy(m => m.Start).ThenBy(m => m.End)];

    private static int[] Spans(IPatternScanner scanner, byte[] utf8) =>
        [.. Matches(scanner, utf8).SelectMany(m => new[] { m.Start, m.End })];

    private static string Format(RawMatch[] matches) =>
        string.Join(" ", matches.Select(m => $"{m.Pattern}:({m.Start},{m.End})"));
}
