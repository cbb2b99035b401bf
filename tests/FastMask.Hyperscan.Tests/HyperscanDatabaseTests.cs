using System.Text;

namespace FastMask.Hyperscan.Tests;

public class HyperscanDatabaseTests
{
    private const HyperscanFlags Som = HyperscanFlags.SomLeftmost | HyperscanFlags.Utf8;

    [Fact]
    public void Compile_BadExpression_ReportsIndexAndMessage()
    {
        var expressions = new[]
        {
            new HyperscanExpression("abc", Som, 0),
            new HyperscanExpression("[0-9]{3}", Som, 1),
            new HyperscanExpression("(unclosed", Som, 2),
        };

        var e = Assert.Throws<HyperscanCompileException>(() => HyperscanDatabase.Compile(expressions));

        Assert.Equal(2, e.ExpressionIndex);
        Assert.Equal(HyperscanError.CompilerError, e.Error);
        Assert.Contains("parenthes", e.CompilerMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HS_COMPILER_ERROR", e.Message, StringComparison.Ordinal);
        Assert.Contains("expression 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a(?=b)")]
    [InlineData("(a)\\1")]
    [InlineData("a*")]
    public void Compile_UnsupportedConstruct_Throws(string pattern)
    {
        var e = Assert.Throws<HyperscanCompileException>(
            () => HyperscanDatabase.Compile([new HyperscanExpression(pattern, Som, 7)]));

        Assert.Equal(0, e.ExpressionIndex);
        Assert.NotEmpty(e.CompilerMessage);
    }

    [Fact]
    public void Compile_NulInPattern_ReportsIndex()
    {
        var e = Assert.Throws<HyperscanCompileException>(() => HyperscanDatabase.Compile(
            [new HyperscanExpression("ok", Som, 0), new HyperscanExpression("a\0b", Som, 1)]));

        Assert.Equal(1, e.ExpressionIndex);
    }

    [Fact]
    public void Compile_NoExpressions_Throws()
    {
        Assert.Throws<ArgumentException>(() => HyperscanDatabase.Compile([]));
    }

    [Fact]
    public void Scan_SomLeftmost_ReportsStartAndEndPerEndOffset()
    {
        using var db = HyperscanDatabase.Compile(
        [
            new HyperscanExpression("[0-9]{3}", Som, 10),
            new HyperscanExpression("cat", Som, 20),
            new HyperscanExpression("a+", Som, 30),
        ]);
        using var scratch = db.CreateScratch();
        var handler = new Collector();

        var completed = db.Scan("x123 cat aa"u8, scratch, ref handler);

        Assert.True(completed);
        Assert.Equal(
            new[] { (10u, 1UL, 4UL), (20u, 5UL, 8UL), (30u, 6UL, 7UL), (30u, 9UL, 10UL), (30u, 9UL, 11UL) },
            handler.Sorted());
    }

    [Fact]
    public void Scan_Caseless_MatchesOtherCase()
    {
        using var db = HyperscanDatabase.Compile(
        [
            new HyperscanExpression("secret", Som | HyperscanFlags.Caseless, 1),
            new HyperscanExpression("token", Som, 2),
        ]);
        using var scratch = db.CreateScratch();
        var handler = new Collector();

        db.Scan("SeCrEt TOKEN token"u8, scratch, ref handler);

        Assert.Equal(new[] { (1u, 0UL, 6UL), (2u, 13UL, 18UL) }, handler.Sorted());
    }

    [Fact]
    public void Scan_Utf8Text_ReportsByteOffsets()
    {
        using var db = HyperscanDatabase.Compile(
        [
            new HyperscanExpression("[0-9]{4}", Som, 1),
            new HyperscanExpression("é.", Som, 2),
        ]);
        using var scratch = db.CreateScratch();
        var text = Encoding.UTF8.GetBytes("ça café€ 2024 日本 1234");
        var handler = new Collector();

        db.Scan(text, scratch, ref handler);

        // "ça " is 4 bytes, "caf" 3, "é" 2 and "€" 3 (one character for '.' in UTF-8 mode).
        var year = Encoding.UTF8.GetByteCount("ça café€ ");
        var digits = Encoding.UTF8.GetByteCount("ça café€ 2024 日本 ");
        Assert.Equal(
            new[] { (2u, 7UL, 12UL), (1u, (ulong)year, (ulong)year + 4), (1u, (ulong)digits, (ulong)digits + 4) },
            handler.Sorted().OrderBy(m => m.Item3).ToArray());
    }

    [Fact]
    public void Scan_HandlerReturnsFalse_StopsAndReturnsFalse()
    {
        using var db = HyperscanDatabase.Compile([new HyperscanExpression("x", Som, 1)]);
        using var scratch = db.CreateScratch();
        var handler = new StopAfterFirst();

        var completed = db.Scan("x x x x"u8, scratch, ref handler);

        Assert.False(completed);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public void Scan_HandlerThrows_ExceptionIsRethrown()
    {
        using var db = HyperscanDatabase.Compile([new HyperscanExpression("x", Som, 1)]);
        using var scratch = db.CreateScratch();
        var handler = new Throwing();

        var e = Assert.Throws<InvalidOperationException>(() => db.Scan("aax"u8, scratch, ref handler));

        Assert.Equal("boom at 3", e.Message);

        // The scratch stays usable after the aborted scan.
        var collector = new Collector();
        Assert.True(db.Scan("x"u8, scratch, ref collector));
        Assert.Single(collector.Sorted());
    }

    [Fact]
    public void Scan_EmptyData_ReportsNothing()
    {
        using var db = HyperscanDatabase.Compile([new HyperscanExpression("x", Som, 1)]);
        using var scratch = db.CreateScratch();
        var handler = new Collector();

        Assert.True(db.Scan(ReadOnlySpan<byte>.Empty, scratch, ref handler));
        Assert.Empty(handler.Sorted());
    }

    [Fact]
    public void Scan_ClonedScratch_GivesSameMatches()
    {
        using var db = HyperscanDatabase.Compile([new HyperscanExpression("b+", Som, 1)]);
        using var scratch = db.CreateScratch();
        using var clone = scratch.Clone();
        var a = new Collector();
        var b = new Collector();

        db.Scan("abba"u8, scratch, ref a);
        db.Scan("abba"u8, clone, ref b);

        Assert.Equal(a.Sorted(), b.Sorted());
        Assert.Equal(new[] { (1u, 1UL, 2UL), (1u, 1UL, 3UL) }, b.Sorted());
    }

    [Fact]
    public void ReserveScratch_OneScratchServesTwoDatabases()
    {
        using var small = HyperscanDatabase.Compile([new HyperscanExpression("x", Som, 1)]);
        using var large = HyperscanDatabase.Compile(
        [
            new HyperscanExpression("[a-z]+@[a-z]+\\.[a-z]{2,}", Som, 2),
            new HyperscanExpression("[0-9]{3}-[0-9]{2}-[0-9]{4}", Som, 3),
        ]);
        using var scratch = small.CreateScratch();

        large.ReserveScratch(scratch);
        var a = new Collector();
        var b = new Collector();
        small.Scan("x ab@cd.ef 123-45-6789"u8, scratch, ref a);
        large.Scan("x ab@cd.ef 123-45-6789"u8, scratch, ref b);

        Assert.Equal([(1u, 0UL, 1UL)], a.Sorted());
        Assert.Equal([(2u, 2UL, 10UL), (3u, 11UL, 22UL)], b.Sorted());
    }

    [Fact]
    public void Scan_AfterDispose_ThrowsObjectDisposed()
    {
        var db = HyperscanDatabase.Compile([new HyperscanExpression("x", Som, 1)]);
        using var scratch = db.CreateScratch();
        db.Dispose();
        var handler = new Collector();

        Assert.Throws<ObjectDisposedException>(() => db.Scan("x"u8, scratch, ref handler));
    }

    [Fact]
    public void Scan_ClassHandler_IsCalled()
    {
        using var db = HyperscanDatabase.Compile([new HyperscanExpression("[a-z]{2}", Som, 5)]);
        using var scratch = db.CreateScratch();
        IHyperscanMatchHandler handler = new ClassCollector();

        db.Scan("12ab34"u8, scratch, ref handler);

        Assert.Equal([(5u, 2UL, 4UL)], ((ClassCollector)handler).Matches);
    }

    private struct Collector : IHyperscanMatchHandler
    {
        private List<(uint, ulong, ulong)>? _matches;

        public bool OnMatch(uint id, ulong startOffset, ulong endOffset)
        {
            (_matches ??= []).Add((id, startOffset, endOffset));
            return true;
        }

        public readonly (uint, ulong, ulong)[] Sorted() =>
            _matches is null ? [] : [.. _matches.OrderBy(m => m.Item1).ThenBy(m => m.Item2).ThenBy(m => m.Item3)];
    }

    private struct StopAfterFirst : IHyperscanMatchHandler
    {
        public int Count;

        public bool OnMatch(uint id, ulong startOffset, ulong endOffset)
        {
            Count++;
            return false;
        }
    }

    private struct Throwing : IHyperscanMatchHandler
    {
        public readonly bool OnMatch(uint id, ulong startOffset, ulong endOffset) =>
            throw new InvalidOperationException($"boom at {endOffset}");
    }

    private sealed class ClassCollector : IHyperscanMatchHandler
    {
        public List<(uint, ulong, ulong)> Matches { get; } = [];

        public bool OnMatch(uint id, ulong startOffset, ulong endOffset)
        {
            Matches.Add((id, startOffset, endOffset));
            return true;
        }
    }
}
