using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

public class ContextGatingTests
{
    private static EntityDetector Create(DetectorEngineKind engine)
    {
        Assert.True(BuiltInEntities.TryGet("US_SSN", out var ssn));
        Assert.True(BuiltInEntities.TryGet("EMAIL_ADDRESS", out var email));
        var definitions = ImmutableArray.CreateBuilder<DetectorDefinition>();
        foreach (var p in ssn.Patterns)
        {
            definitions.Add(new DetectorDefinition(0, p));
        }

        foreach (var p in email.Patterns)
        {
            definitions.Add(new DetectorDefinition(1, p));
        }

        return EntityDetector.Create(definitions.ToImmutable(), engine);
    }

    private static List<(int Entity, string Text)> Detect(DetectorEngineKind engine, string text)
    {
        using var detector = Create(engine);
        using var results = new MatchBuffer<EntityMatch>();
        var bytes = Encoding.UTF8.GetBytes(text);
        detector.Detect(bytes, results);
        var found = new List<(int, string)>();
        foreach (var m in results.Items)
        {
            found.Add((m.Entity, Encoding.UTF8.GetString(bytes, m.Start, m.Length)));
        }

        return found;
    }

    [Theory]
    [InlineData(DetectorEngineKind.Regex)]
    [InlineData(DetectorEngineKind.Hyperscan)]
    public void Detect_BareSsnAfterKeywordDeepInLongText_IsFound(DetectorEngineKind engine)
    {
        var filler = string.Concat(Enumerable.Repeat("plain words without numbers ", 300));
        var text = filler + "her SSN: 536221234 and a@b.io " + filler + " 536221235 has no keyword before it";

        var found = Detect(engine, text);

        Assert.Equal([(0, "536221234"), (1, "a@b.io")], found);
    }

    [Theory]
    [InlineData(DetectorEngineKind.Regex)]
    [InlineData(DetectorEngineKind.Hyperscan)]
    public void Detect_KeywordInsideALongerWord_IsNoContext(DetectorEngineKind engine)
    {
        Assert.Empty(Detect(engine, "see the classnote 536221234"));
        Assert.Empty(Detect(engine, "Glassnote: 536221234"));
        Assert.Equal([(0, "536221234")], Detect(engine, "see the class note, SSN#536221234"));
        Assert.Equal([(0, "536221234")], Detect(engine, "ssn:536221234"));
        Assert.Equal([(0, "536221234")], Detect(engine, "employeeSsn: 536221234"));
        Assert.Equal([(0, "536221234")], Detect(engine, "ssnNumber 536221234"));
    }

    [Theory]
    [InlineData(DetectorEngineKind.Regex)]
    [InlineData(DetectorEngineKind.Hyperscan)]
    public void Detect_BareNumberBeyondTheContextWindow_IsNotAnSsn(DetectorEngineKind engine)
    {
        var text = "ssn " + new string('x', 70) + " 536221234";

        Assert.Empty(Detect(engine, text));
    }

    [Fact]
    public void Detect_ManyKeywords_BothEnginesAgree()
    {
        var random = new Random(11);
        var text = new StringBuilder();
        string[] pieces = ["ssn ", "SSN: ", "social security ", "536221234 ", "123456789 ", "x@y.io ", "word ", "1234567890123 ", "é "];
        while (text.Length < 20_000)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        var regex = Detect(DetectorEngineKind.Regex, text.ToString());
        var hyperscan = Detect(DetectorEngineKind.Hyperscan, text.ToString());

        Assert.Contains((0, "536221234"), regex);
        Assert.Equal(regex, hyperscan);
    }
}
