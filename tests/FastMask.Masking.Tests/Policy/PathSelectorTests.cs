using System.Text;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Tests.Policy;

public class PathSelectorTests
{
    // Steps written compactly: C:name child, D:name descendant, C* any child, D* any descendant, [*] any index, [n] index.
    [Theory]
    [InlineData("$", "")]
    [InlineData("$.ssn", "C:ssn")]
    [InlineData("$..ssn", "D:ssn")]
    [InlineData("$.customer.ssn", "C:customer C:ssn")]
    [InlineData("$.customer..email", "C:customer D:email")]
    [InlineData("$.*", "C*")]
    [InlineData("$..*", "D*")]
    [InlineData("$.items[*]", "C:items [*]")]
    [InlineData("$.items[3].id", "C:items [3] C:id")]
    [InlineData("$['odd name'].x", "C:odd name C:x")]
    [InlineData("$[\"quoted\"]", "C:quoted")]
    [InlineData("$.messages[*].content", "C:messages [*] C:content")]
    [InlineData("$[*][0]", "[*] [0]")]
    public void TryParse_ValidPath_GivesSteps(string text, string expected)
    {
        Assert.True(PathSelector.TryParse(text, out var selector, out var error), error);
        Assert.Null(error);
        Assert.NotNull(selector);
        Assert.Equal(text, selector.Text);
        Assert.Equal(expected, Describe(selector));
    }

    [Theory]
    [InlineData("", "starts with '$'")]
    [InlineData("ssn", "starts with '$'")]
    [InlineData("$.", "property name")]
    [InlineData("$.a.", "property name")]
    [InlineData("$...a", "property name")]
    [InlineData("$.items[", "not closed")]
    [InlineData("$.items[x]", "[x]")]
    [InlineData("$.items[-1]", "[-1]")]
    [InlineData("$x", "unexpected 'x'")]
    public void TryParse_InvalidPath_ReportsWhy(string text, string reason)
    {
        Assert.False(PathSelector.TryParse(text, out var selector, out var error));
        Assert.Null(selector);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooManySteps_IsRejected()
    {
        var text = "$" + string.Concat(Enumerable.Repeat(".a", PathSelector.MaxSteps + 1));
        Assert.False(PathSelector.TryParse(text, out _, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);

        var longest = "$" + string.Concat(Enumerable.Repeat(".a", PathSelector.MaxSteps));
        Assert.True(PathSelector.TryParse(longest, out var selector, out _));
        Assert.Equal(PathSelector.MaxSteps, selector!.Steps.Length);
    }

    private static string Describe(PathSelector selector) => string.Join(" ", selector.Steps.Select(s => s.Kind switch
    {
        PathStepKind.Child => "C:" + Encoding.UTF8.GetString(s.Name!),
        PathStepKind.Descendant => "D:" + Encoding.UTF8.GetString(s.Name!),
        PathStepKind.AnyChild => "C*",
        PathStepKind.AnyDescendant => "D*",
        PathStepKind.AnyIndex => "[*]",
        PathStepKind.Index => $"[{s.Index}]",
        _ => "?",
    }));
}
