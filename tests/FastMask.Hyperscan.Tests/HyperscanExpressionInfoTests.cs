namespace FastMask.Hyperscan.Tests;

public class HyperscanExpressionInfoTests
{
    [Theory]
    [InlineData("[0-9]{3}-[0-9]{2}-[0-9]{4}", 11u, 11u)]
    [InlineData("ab|b+c", 2u, uint.MaxValue)]
    [InlineData("é{2}", 4u, 4u)]
    public void Analyze_ReportsWidthsInBytes(string pattern, uint min, uint max)
    {
        var info = HyperscanExpressionInfo.Analyze(pattern, HyperscanFlags.Utf8 | HyperscanFlags.SomLeftmost);

        Assert.Equal(min, info.MinWidth);
        Assert.Equal(max, info.MaxWidth);
        Assert.False(info.MatchesOnlyAtEndOfData);
    }

    [Fact]
    public void Analyze_EndAnchor_SaysSo()
    {
        var info = HyperscanExpressionInfo.Analyze("abc$", HyperscanFlags.None);

        Assert.True(info.MatchesAtEndOfData);
        Assert.True(info.MatchesOnlyAtEndOfData);
    }

    [Fact]
    public void Analyze_BadExpression_ThrowsCompileError()
    {
        var e = Assert.Throws<HyperscanCompileException>(() => HyperscanExpressionInfo.Analyze("a(?=b)", HyperscanFlags.None));

        Assert.NotEmpty(e.CompilerMessage);
        Assert.Equal(HyperscanError.CompilerError, e.Error);
    }
}
