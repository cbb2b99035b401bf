using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

public class PatternSyntaxTests
{
    [Theory]
    [InlineData("EMP-[0-9]{6}")]
    [InlineData("(ACME|acme)_[A-Za-z0-9]{32}")]
    [InlineData("[A-Z]{2}[0-9]{2}( [0-9]{4})+")]
    [InlineData(@"key=[^""]+")]
    [InlineData(@"tab\there [\t\r\n ]*x")]
    [InlineData(@"\x41\x7F[\b]")]
    [InlineData(@"^whole-value$")]
    [InlineData(@"a(?:b|c){2,}")]
    [InlineData(@"\[[0-9]+\]\.\*")]
    [InlineData("secret=.+")]
    [InlineData("BEGIN.*END")]
    public void Validate_SharedSubset_ReturnsNull(string expression)
    {
        Assert.Null(PatternSyntax.Validate(expression));
    }

    [Theory]
    [InlineData("(?=foo)bar", "lookarounds are not supported")]
    [InlineData("(?!foo)bar", "lookarounds are not supported")]
    [InlineData("(?<=foo)bar", "lookarounds are not supported")]
    [InlineData("(?<!foo)bar", "lookarounds are not supported")]
    [InlineData(@"(a)\1", "backreferences are not supported")]
    [InlineData(@"(?<x>a)\k<x>", "named groups are not supported")]
    [InlineData("a+?", "lazy quantifiers are not supported")]
    [InlineData("a*?b", "lazy quantifiers are not supported")]
    [InlineData("a??b", "lazy quantifiers are not supported")]
    [InlineData("a{2,5}?", "lazy quantifiers are not supported")]
    [InlineData(@"\d{4}", @"use [0-9] instead of \d")]
    [InlineData(@"[\d-]", @"use [0-9] instead of \d")]
    [InlineData(@"\w+", @"instead of \w")]
    [InlineData(@"a\sb", @"instead of \s")]
    [InlineData(@"\bword\b", "word boundaries")]
    [InlineData("(?>a+)b", "atomic groups are not supported")]
    [InlineData("(?i)abc", "inline options")]
    [InlineData("a.c", "'.' must be repeated with * or +")]
    [InlineData("a.{2}", "'.' must be repeated with * or +")]
    [InlineData("[^x]{3}", "a negated class must be repeated with * or +")]
    [InlineData("[^x]+?", "a negated class must be repeated with * or +")]
    [InlineData(@"\p{L}+", "Unicode categories")]
    [InlineData("caf\u00e9", "non-ASCII characters are not supported")]
    [InlineData(@"\xE9", @"characters above \x7F")]
    [InlineData(@"\u00e9", @"\u escapes are not supported")]
    [InlineData("[[:alpha:]]+", "POSIX classes")]
    [InlineData("[a-z-[aeiou]]+", "class subtraction")]
    [InlineData(@"\Ga", @"\G is not supported")]
    [InlineData(@"a\vb", @"\v is not supported")]
    [InlineData("(?(x)a|b)", "conditionals are not supported")]
    [InlineData("a*", "the pattern matches the empty string")]
    [InlineData("x|", "the pattern matches the empty string")]
    [InlineData("(a|b", "not a valid regular expression")]
    [InlineData("a{2,1}", "not a valid regular expression")]
    [InlineData("", "the pattern is empty")]
    public void Validate_OutsideSubset_SaysWhy(string expression, string reason)
    {
        var message = PatternSyntax.Validate(expression);
        Assert.NotNull(message);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }
}
