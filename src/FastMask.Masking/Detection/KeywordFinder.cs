using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// Looks for a set of ASCII keywords in UTF-8 text, ignoring ASCII case. Each keyword is found by its rarest pair of
/// adjacent bytes: one vectorised pass compares every position against all pairs at once, and only the positions where
/// a pair stands are checked in full. A keyword counts exactly where
/// <see cref="Ascii.EqualsIgnoreCase(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> says it stands and, for a finder of
/// whole words, is not part of a longer word: a keyword that starts with a letter does not count after a letter, one that
/// ends with a letter not before one (<c>aws</c> is not in <c>laws</c>, <c>aba</c> not in <c>database</c>), except across
/// a camelCase step (<c>employeeSsn</c>, <c>ssnNumber</c>). Digits and punctuation are not letters, so <c>SSN:</c>,
/// <c>ssn#</c> and <c>ssn123</c> keep their keyword.
/// </summary>
/// <remarks>
/// The pass compares bytes with bit 5 set (<c>b | 0x20</c>): that folds ASCII case, and for any other byte it can only
/// turn a miss into a candidate, never a hit into a miss; the full check settles every candidate.
/// </remarks>
internal sealed class KeywordFinder
{
    private const byte Fold = 0x20;

    private readonly byte[][] _keywords;
    private readonly ulong[] _groups;
    private readonly ulong _allGroups;
    private readonly ulong _everywhere;
    private readonly byte[] _first;
    private readonly byte[] _second;
    private readonly Vector256<byte>[] _firstVectors;
    private readonly Vector256<byte>[] _secondVectors;
    private readonly (int Keyword, int Offset)[][] _byPair;
    private readonly ulong[] _pairs = new ulong[256 * 256 / 64];
    private readonly (byte Lower, int Keyword)[] _singles;
    private readonly bool _wholeWords;

    /// <param name="keywords">The keywords (any case), each with the groups (bits, at least one) it belongs to.</param>
    /// <param name="wholeWords">Whether a keyword inside a longer word counts (false) or not (true).</param>
    public KeywordFinder(IReadOnlyList<(string Keyword, ulong Groups)> keywords, bool wholeWords = false)
    {
        _wholeWords = wholeWords;
        _keywords = new byte[keywords.Count][];
        _groups = new ulong[keywords.Count];
        var pairs = new List<(byte First, byte Second)>();
        var byPair = new List<List<(int, int)>>();
        var singles = new List<(byte, int)>();
        for (var k = 0; k < keywords.Count; k++)
        {
            ArgumentOutOfRangeException.ThrowIfZero(keywords[k].Groups, nameof(keywords));
            var bytes = Encoding.ASCII.GetBytes(keywords[k].Keyword.ToLowerInvariant());
            _keywords[k] = bytes;
            _groups[k] = keywords[k].Groups;
            _allGroups |= keywords[k].Groups;
            if (bytes.Length == 0)
            {
                // An empty keyword stands everywhere, as an empty string stands at every position.
                _everywhere |= keywords[k].Groups;
                continue;
            }

            if (bytes.Length == 1)
            {
                singles.Add((bytes[0], k));
                continue;
            }

            var offset = 0;
            for (var i = 1; i < bytes.Length - 1; i++)
            {
                if (Weight(bytes[i]) * Weight(bytes[i + 1]) < Weight(bytes[offset]) * Weight(bytes[offset + 1]))
                {
                    offset = i;
                }
            }

            var pair = ((byte)(bytes[offset] | Fold), (byte)(bytes[offset + 1] | Fold));
            var index = pairs.IndexOf(pair);
            if (index < 0)
            {
                index = pairs.Count;
                pairs.Add(pair);
                byPair.Add([]);
            }

            byPair[index].Add((k, offset));
        }

        foreach (var (first, second) in pairs)
        {
            var pair = (first << 8) | second;
            _pairs[pair >> 6] |= 1UL << pair;
        }

        _first = [.. pairs.Select(static p => p.First)];
        _second = [.. pairs.Select(static p => p.Second)];
        _firstVectors = [.. _first.Select(static b => Vector256.Create(b))];
        _secondVectors = [.. _second.Select(static b => Vector256.Create(b))];
        _byPair = [.. byPair.Select(static list => list.ToArray())];
        _singles = [.. singles];
    }

    /// <summary>A finder for plain keywords (no groups).</summary>
    public static KeywordFinder Create(IEnumerable<string> keywords, bool wholeWords = false) =>
        new([.. keywords.Select(static k => (k, 1UL))], wholeWords);

    /// <summary>Whether any keyword stands anywhere in <paramref name="text"/>.</summary>
    public bool ContainsAny(ReadOnlySpan<byte> text) => Find(text, Edges.None, stopAtAny: true) != 0;

    /// <summary>
    /// Whether a keyword stands wholly within <c>text[from..to]</c>; for whole words, the bytes around that range count
    /// as neighbours.
    /// </summary>
    public bool ContainsAny(ReadOnlySpan<byte> text, int from, int to) =>
        Find(text[from..to], new Edges(from > 0 ? text[from - 1] : -1, to < text.Length ? text[to] : -1), stopAtAny: true) != 0;

    /// <summary>The groups of all keywords that stand in <paramref name="text"/>.</summary>
    public ulong GroupsIn(ReadOnlySpan<byte> text) => Find(text, Edges.None, stopAtAny: false);

    private ulong Find(ReadOnlySpan<byte> text, Edges edges, bool stopAtAny)
    {
        var found = _everywhere;
        if (found != 0 && stopAtAny)
        {
            return found;
        }

        foreach (var (lower, k) in _singles)
        {
            if ((found & _groups[k]) != _groups[k] && ContainsIgnoreCase(text, lower, edges))
            {
                found |= _groups[k];
                if (stopAtAny || found == _allGroups)
                {
                    return found;
                }
            }
        }

        if (_first.Length == 0 || text.Length < 2)
        {
            return found;
        }

        var i = 0;
        var last = text.Length - 1;
        if (Vector256.IsHardwareAccelerated && text.Length > Vector256<byte>.Count)
        {
            ref var origin = ref MemoryMarshal.GetReference(text);
            var fold = Vector256.Create(Fold);
            var firsts = _firstVectors;
            var seconds = _secondVectors;
            while (i < last)
            {
                // The last block overlaps the one before it so that no position is left to a scalar tail; positions
                // the previous block already covered are masked off.
                var at = Math.Min(i, last - Vector256<byte>.Count);
                var a = Vector256.LoadUnsafe(ref origin, (nuint)at) | fold;
                var b = Vector256.LoadUnsafe(ref origin, (nuint)(at + 1)) | fold;
                var any = Vector256<byte>.Zero;
                for (var p = 0; p < firsts.Length; p++)
                {
                    any |= Vector256.Equals(a, firsts[p]) & Vector256.Equals(b, seconds[p]);
                }

                var bits = any.ExtractMostSignificantBits() & (uint.MaxValue << (i - at));
                for (; bits != 0; bits &= bits - 1)
                {
                    found |= CheckAt(text, at + BitOperations.TrailingZeroCount(bits), found, edges);
                    if (found != 0 && (stopAtAny || found == _allGroups))
                    {
                        return found;
                    }
                }

                i = at + Vector256<byte>.Count;
            }

            return found;
        }

        for (; i < last; i++)
        {
            var pair = ((text[i] | Fold) << 8) | (text[i + 1] | Fold);
            if ((_pairs[pair >> 6] & (1UL << pair)) != 0)
            {
                found |= CheckAt(text, i, found, edges);
                if (found != 0 && (stopAtAny || found == _allGroups))
                {
                    return found;
                }
            }
        }

        return found;
    }

    /// <summary>The groups of keywords (not yet in <paramref name="found"/>) whose pair stands at <paramref name="i"/>.</summary>
    private ulong CheckAt(ReadOnlySpan<byte> text, int i, ulong found, Edges edges)
    {
        var a = (byte)(text[i] | Fold);
        var b = (byte)(text[i + 1] | Fold);
        ulong groups = 0;
        for (var p = 0; p < _first.Length; p++)
        {
            if (_first[p] != a || _second[p] != b)
            {
                continue;
            }

            foreach (var (k, offset) in _byPair[p])
            {
                if (((found | groups) & _groups[k]) == _groups[k])
                {
                    continue;
                }

                var keyword = _keywords[k];
                var start = i - offset;
                if (start >= 0
                    && start + keyword.Length <= text.Length
                    && Ascii.EqualsIgnoreCase(text.Slice(start, keyword.Length), keyword)
                    && (!_wholeWords || IsWholeWord(text, start, keyword, edges)))
                {
                    groups |= _groups[k];
                }
            }
        }

        return groups;
    }

    /// <summary>Whether a single-byte keyword stands in <paramref name="text"/> (as a whole word, when asked).</summary>
    private bool ContainsIgnoreCase(ReadOnlySpan<byte> text, byte lower, Edges edges)
    {
        ReadOnlySpan<byte> keyword = [lower];
        var from = 0;
        while (from < text.Length)
        {
            var found = char.IsAsciiLetterLower((char)lower)
                ? text[from..].IndexOfAny(lower, (byte)(lower & ~Fold))
                : text[from..].IndexOf(lower);
            if (found < 0)
            {
                return false;
            }

            if (!_wholeWords || IsWholeWord(text, from + found, keyword, edges))
            {
                return true;
            }

            from += found + 1;
        }

        return false;
    }

    /// <summary>
    /// Whether the keyword at <paramref name="start"/> is not part of a longer word: no letter borders its letter ends,
    /// except across a camelCase step (a lower-case letter, then an upper-case one), so <c>employeeSsn</c>,
    /// <c>ssnNumber</c> and <c>SecretAccessKey</c> hold their keyword while <c>laws</c> and <c>LAWS</c> do not.
    /// </summary>
    private static bool IsWholeWord(ReadOnlySpan<byte> text, int start, ReadOnlySpan<byte> keyword, Edges edges)
    {
        var end = start + keyword.Length;
        var before = start > 0 ? text[start - 1] : edges.Before;
        var after = end < text.Length ? text[end] : edges.After;
        var first = text[start];
        var last = text[end - 1];
        var startsWord = !IsLetter(first) || !IsLetter(before) || (IsLower(before) && IsUpper(first));
        var endsWord = !IsLetter(last) || !IsLetter(after) || (IsLower(last) && IsUpper(after));
        return startsWord && endsWord;
    }

    private static bool IsLetter(int b) => b >= 0 && char.IsAsciiLetter((char)b);

    private static bool IsLower(int b) => b >= 0 && char.IsAsciiLetterLower((char)b);

    private static bool IsUpper(int b) => b >= 0 && char.IsAsciiLetterUpper((char)b);

    /// <summary>The bytes just outside the searched text (-1: none), the neighbours of a keyword at its edges.</summary>
    private readonly record struct Edges(int Before, int After)
    {
        public static Edges None => new(-1, -1);
    }

    private static double Weight(byte b) =>
        char.IsAsciiLetter((char)b)
            ? PatternShape.Frequency[b | 0x20] + PatternShape.Frequency[b & ~0x20]
            : PatternShape.Frequency[b];
}
