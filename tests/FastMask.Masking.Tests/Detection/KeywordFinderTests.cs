using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

/// <summary>
/// The keyword search behind context gating: held to the plain definition (a keyword stands where the bytes equal it
/// ignoring ASCII case) at every position, across the vector blocks, and for the bytes that case folding could confuse.
/// </summary>
public class KeywordFinderTests
{
    private const int Seed = 20261204;

    [Theory]
    [InlineData("ssn", "my SSN is", true)]
    [InlineData("ssn", "my sSn is", true)]
    [InlineData("ssn", "my sn is s n", false)]
    [InlineData("date of birth", "Date Of Birth: 1990-01-01", true)]
    [InlineData("date of birth", "date of birt", false)]
    [InlineData("ss#", "SS# 123", true)]
    [InlineData("ss#", "SS3 123", false)]
    [InlineData("d.o.b", "D.O.B 1990", true)]
    [InlineData("d.o.b", "DNOQB 1990", false)]
    [InlineData("#", "no hash here", false)]
    [InlineData("#", "order #5", true)]
    [InlineData("q", "QUEUE", true)]
    [InlineData("q", "nothing", false)]
    public void ContainsAny_OneKeyword(string keyword, string text, bool expected)
    {
        var finder = KeywordFinder.Create([keyword]);
        Assert.Equal(expected, finder.ContainsAny(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("aws", "the laws of", false)]
    [InlineData("aws", "AWS key", true)]
    [InlineData("aws", "aws_secret=", true)]
    [InlineData("aba", "the database", false)]
    [InlineData("aba", "ABA: 021000021", true)]
    [InlineData("ssn", "ssn123456789", true)]
    [InlineData("ssn", "classnote", false)]
    [InlineData("ss#", "class# 5", false)]
    [InlineData("ss#", "SS#5", true)]
    [InlineData("secret", "the secretary", false)]
    [InlineData("#", "a#b", true)]
    [InlineData("n", "nhs", false)]
    [InlineData("ssn", "employeeSsn", true)]
    [InlineData("ssn", "ssnNumber", true)]
    [InlineData("ssn", "employeeSSN", true)]
    [InlineData("secret", "SecretAccessKey", true)]
    [InlineData("aws", "LAWS", false)]
    [InlineData("aba", "DATABASE", false)]
    [InlineData("dob", "patientDob", true)]
    [InlineData("nhs", "nhsNumber", true)]
    [InlineData("n", "a n b", true)]
    public void ContainsAny_WholeWords_NotInsideALongerWord(string keyword, string text, bool expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(expected, KeywordFinder.Create([keyword], wholeWords: true).ContainsAny(bytes));
        Assert.True(KeywordFinder.Create([keyword]).ContainsAny(bytes));
    }

    [Fact]
    public void ContainsAny_Range_BytesOutsideTheRangeAreTheNeighbours()
    {
        var text = "the laws of aws"u8;
        var whole = KeywordFinder.Create(["aws"], wholeWords: true);

        Assert.False(whole.ContainsAny(text, 5, 8)); // "aws" of "laws": 'l' stands just before the range
        Assert.True(whole.ContainsAny(text, 12, 15));
        Assert.False(whole.ContainsAny(text, 12, 14)); // the keyword must stand wholly inside
        Assert.True(KeywordFinder.Create(["aws"]).ContainsAny(text, 5, 8));
    }

    [Fact]
    public void ContainsAny_EveryPositionInTextsOfEveryLength()
    {
        // Lengths around the 32-byte blocks, the keyword at every start, so the first, middle, overlapping last and
        // scalar paths all see it at their edges.
        var finder = KeywordFinder.Create(["routing", "aba"]);
        for (var length = 0; length <= 100; length++)
        {
            for (var at = 0; at + 7 <= length; at++)
            {
                var text = Filler(length);
                Encoding.ASCII.GetBytes("RoUtInG").CopyTo(text, at);
                Assert.True(finder.ContainsAny(text), $"length {length}, keyword at {at}");
            }

            Assert.False(finder.ContainsAny(Filler(length)), $"length {length} without a keyword");
        }
    }

    [Theory]
    [InlineData("x-y", "x\ry")] // '-' is 0x2D, CR is 0x0D: equal with bit 5 set
    [InlineData("a@b", "a`b")] // '@' is 0x40, '`' is 0x60
    [InlineData("a[b", "a{b")] // '[' is 0x5B, '{' is 0x7B
    [InlineData("!x", "\u0001x")] // '!' is 0x21, SOH is 0x01
    public void ContainsAny_BytesThatOnlyFoldTogether_NoMatch(string keyword, string text)
    {
        var finder = KeywordFinder.Create([keyword]);
        Assert.False(finder.ContainsAny(Encoding.UTF8.GetBytes(text + new string(' ', 40))));
        Assert.False(finder.ContainsAny(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void GroupsIn_ReportsTheGroupsOfEveryKeywordPresent()
    {
        var finder = new KeywordFinder([("born", 0b001), ("dob", 0b001), ("nhs", 0b010), ("secret", 0b110)]);
        Assert.Equal(0b000UL, finder.GroupsIn("nothing to see"u8));
        Assert.Equal(0b001UL, finder.GroupsIn("she was BORN in"u8));
        Assert.Equal(0b010UL, finder.GroupsIn("NHS number"u8));
        Assert.Equal(0b110UL, finder.GroupsIn("the Secret key"u8));
        Assert.Equal(0b111UL, finder.GroupsIn("dob, nhs and secret"u8));
    }

    [Fact]
    public void RandomTextsAndKeywordSets_AgreeWithThePlainSearch()
    {
        var random = new Random(Seed);
        const string alphabet = "abcdsnrotiABCDSNROTI #.-\r@`";
        for (var round = 0; round < 400; round++)
        {
            var keywords = new List<(string Keyword, ulong Groups)>();
            var count = random.Next(1, 8);
            for (var k = 0; k < count; k++)
            {
                var keyword = new string([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
                keywords.Add((keyword, 1UL << random.Next(0, 4)));
            }

            var finder = new KeywordFinder(keywords);
            for (var t = 0; t < 10; t++)
            {
                var text = Encoding.ASCII.GetBytes(new string([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]));
                ulong expected = 0;
                foreach (var (keyword, groups) in keywords)
                {
                    if (Contains(text, Encoding.ASCII.GetBytes(keyword)))
                    {
                        expected |= groups;
                    }
                }

                Assert.Equal(expected, finder.GroupsIn(text));
                Assert.Equal(expected != 0, finder.ContainsAny(text));
            }
        }
    }

    private static bool Contains(byte[] text, byte[] keyword)
    {
        for (var i = 0; i + keyword.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.AsSpan(i, keyword.Length), keyword))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Filler(int length)
    {
        var text = new byte[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = (byte)"routinabg "[i % 10];
        }

        return text;
    }
}
