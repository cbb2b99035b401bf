using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

public class EntityDetectorTests
{
    private static List<(int Entity, string Value)> Run(string text, params DetectorDefinition[] definitions)
    {
        using var detector = EntityDetector.Create([.. definitions], DetectorEngineKind.Regex);
        var utf8 = Encoding.UTF8.GetBytes(text);
        using var results = new MatchBuffer<EntityMatch>();
        detector.Detect(utf8, results);
        var found = new List<(int, string)>();
        foreach (var m in results.Items)
        {
            found.Add((m.Entity, Encoding.UTF8.GetString(utf8, m.Start, m.Length)));
        }

        return found;
    }

    private static DetectorDefinition Def(int entity, string expression, BoundaryClass left = BoundaryClass.None, BoundaryClass right = BoundaryClass.None) =>
        new(entity, new PatternSpec(expression) { LeftBoundary = left, RightBoundary = right });

    [Fact]
    public void Detect_NestedMatches_LongestSpanWins()
    {
        var found = Run("id abcdef end", Def(0, "abc"), Def(1, "abcdef"), Def(2, "cde"));
        Assert.Equal([(1, "abcdef")], found);
    }

    [Fact]
    public void Detect_PartialOverlap_LongerSpanWins()
    {
        Assert.Equal([(1, "cdefgh")], Run("abcdefgh", Def(0, "abcd"), Def(1, "cdefgh")));
        Assert.Equal([(0, "abcdef")], Run("abcdefgh", Def(0, "abcdef"), Def(1, "efgh")));
    }

    [Fact]
    public void Detect_EqualLengthOverlap_EarlierStartWins()
    {
        Assert.Equal([(1, "abcd")], Run("abcdef", Def(0, "cdef"), Def(1, "abcd")));
    }

    [Fact]
    public void Detect_SameSpan_FirstDeclaredPatternWins()
    {
        Assert.Equal([(7, "abc")], Run("abc", Def(7, "abc"), Def(3, "[a-c]{3}")));
        Assert.Equal([(3, "abc")], Run("abc", Def(3, "[a-c]{3}"), Def(7, "abc")));
    }

    [Fact]
    public void Detect_DisjointMatches_AreSortedByStart()
    {
        var found = Run("x1 yy x2 zz x3 yy", Def(0, "yy"), Def(1, "x[0-9]"));
        Assert.Equal([(1, "x1"), (0, "yy"), (1, "x2"), (1, "x3"), (0, "yy")], found);
    }

    [Theory]
    [InlineData(BoundaryClass.None, "a12345b", 1)]
    [InlineData(BoundaryClass.Digit, "a1234b", 1)]
    [InlineData(BoundaryClass.Digit, "91234", 0)]
    [InlineData(BoundaryClass.AlphaNumeric, "a1234 ", 0)]
    [InlineData(BoundaryClass.AlphaNumeric, "_1234_", 1)]
    [InlineData(BoundaryClass.Word, "_1234 ", 0)]
    [InlineData(BoundaryClass.Word, "-1234-", 1)]
    [InlineData(BoundaryClass.Token, "-1234 ", 0)]
    [InlineData(BoundaryClass.Token, ".1234.", 1)]
    [InlineData(BoundaryClass.Token, "1234", 1)]
    public void Detect_LeftBoundary_IsEnforced(BoundaryClass boundary, string text, int expected)
    {
        Assert.Equal(expected, Run(text, Def(0, "1234", left: boundary)).Count);
    }

    [Theory]
    [InlineData(BoundaryClass.Digit, "1234x", 1)]
    [InlineData(BoundaryClass.Digit, "12345", 0)]
    [InlineData(BoundaryClass.AlphaNumeric, "1234x", 0)]
    [InlineData(BoundaryClass.Token, "1234-", 0)]
    [InlineData(BoundaryClass.Token, "1234/", 1)]
    public void Detect_RightBoundary_IsEnforced(BoundaryClass boundary, string text, int expected)
    {
        Assert.Equal(expected, Run(text, Def(0, "1234", right: boundary)).Count);
    }

    [Theory]
    [InlineData("my SSN: 123456789", 1)]
    [InlineData("my ssn: 123456789", 1)]
    [InlineData("ssn 123456789 and 123456789", 2)]
    [InlineData("number 123456789", 0)]
    [InlineData("ssn is far away ........................ 123456789", 0)]
    [InlineData("123456789 ssn", 0)]
    public void Detect_ContextKeywords_AreRequiredBeforeTheMatch(string text, int expected)
    {
        var def = new DetectorDefinition(0, new PatternSpec("[0-9]{9}") { ContextKeywords = ["SSN", "social security"], ContextWindow = 30 });
        Assert.Equal(expected, Run(text, def).Count);
    }

    [Fact]
    public void Detect_FailedValidator_DropsMatchAndKeepsShorterValidOne()
    {
        var card = new DetectorDefinition(0, new PatternSpec("[0-9]{16}") { Validator = ValidatorKind.Luhn });
        var digits = new DetectorDefinition(1, new PatternSpec("[0-9]{4}"));
        var found = Run("4111111111111112", card, digits);
        Assert.Equal([(1, "4111"), (1, "1111"), (1, "1111"), (1, "1112")], found);
        Assert.Equal([(0, "4111111111111111")], Run("4111111111111111", card, digits));
    }

    [Fact]
    public void Detect_NonAsciiText_ReportsByteOffsets()
    {
        using var detector = EntityDetector.Create([Def(0, "[0-9]{4}")], DetectorEngineKind.Regex);
        var utf8 = Encoding.UTF8.GetBytes("é€ 1234 😀 5678");
        using var results = new MatchBuffer<EntityMatch>();
        detector.Detect(utf8, results);
        Assert.Equal(2, results.Count);
        Assert.Equal("1234", Encoding.UTF8.GetString(utf8.AsSpan(results[0].Start, results[0].Length)));
        Assert.Equal("5678", Encoding.UTF8.GetString(utf8.AsSpan(results[1].Start, results[1].Length)));
    }

    [Fact]
    public void Detect_BuiltInUrlAndEmailOverlap_UrlWins()
    {
        var found = BuiltInDetector.Detect("url postgres://app:pw@db.example.com/x and mail ops@example.com");
        Assert.Equal([new Found("URL_WITH_CREDENTIALS", "postgres://app:pw@db.example.com"), new Found("EMAIL_ADDRESS", "ops@example.com")], found);
    }

    [Fact]
    public void Detect_BuiltInMappedIpV6_WinsOverEmbeddedIpV4()
    {
        Assert.Equal([new Found("IP_ADDRESS", "::ffff:10.1.2.3")], BuiltInDetector.Detect("from ::ffff:10.1.2.3"));
    }

    [Fact]
    public void Detect_BuiltInNhsNumberShapedLikePhone_IsNhs()
    {
        // 943 476 5919 is also a valid North American number; the checksummed entity is declared first.
        Assert.Equal([new Found("UK_NHS", "943 476 5919")], BuiltInDetector.Detect("ref 943 476 5919"));
    }

    [Fact]
    public void Detect_EmptyDefinitions_FindsNothing()
    {
        using var detector = EntityDetector.Create(ImmutableArray<DetectorDefinition>.Empty, DetectorEngineKind.Regex);
        using var results = new MatchBuffer<EntityMatch>();
        detector.Detect("jane@example.com"u8, results);
        Assert.Equal(0, results.Count);
    }
}
