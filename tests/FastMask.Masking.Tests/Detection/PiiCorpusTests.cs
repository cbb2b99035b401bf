using System.Text;

namespace FastMask.Masking.Tests.Detection;

public class PiiCorpusTests
{
    private const int Seed = 20261203;

    [Fact]
    public void Generate_SameSeed_GivesSameCorpus()
    {
        var first = PiiCorpus.Generate(Seed, 60);
        var second = PiiCorpus.Generate(Seed, 60);
        Assert.Equal(first.Select(d => d.Text), second.Select(d => d.Text));
        Assert.NotEqual(first.Select(d => d.Text), PiiCorpus.Generate(Seed + 1, 60).Select(d => d.Text));
    }

    [Fact]
    public void Generate_EmbedsEveryEntityWithText()
    {
        var corpus = PiiCorpus.Generate(Seed, PiiCorpus.Entities.Length * 3);
        var embedded = corpus.SelectMany(d => d.Pii).Select(p => p.Entity).ToHashSet();
        Assert.Equal(PiiCorpus.Entities.Order(), embedded.Order());
        Assert.All(corpus, d => Assert.NotEmpty(d.Decoys));
    }

    [Fact]
    public void Detect_Corpus_ReportsEveryPiiWithItsEntityAndNothingElse()
    {
        var failures = new StringBuilder();
        foreach (var document in PiiCorpus.Generate(Seed, 1000))
        {
            var expected = document.Pii
                .Select(p => new Found(p.Entity, document.ValueOf(p)))
                .ToList();
            var found = BuiltInDetector.Detect(document.Text);
            if (!expected.SequenceEqual(found))
            {
                failures.AppendLine($"text:     {document.Text}")
                    .AppendLine($"expected: {string.Join(" | ", expected)}")
                    .AppendLine($"found:    {string.Join(" | ", found)}")
                    .AppendLine();
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }
}
