using System.Buffers;
using System.Numerics;

namespace FastMask.Masking.Detection;

/// <summary>
/// Finds the parts of a text where a set of patterns can match at all, so that the engine scans those windows
/// instead of the whole text. Most chat text holds no PII; a vectorised search for a few anchor bytes passes over it
/// many times faster than any multi-pattern automaton.
/// </summary>
/// <remarks>
/// <para>
/// Each pattern reaches windows one of two ways (<see cref="PatternShape"/>):
/// <list type="bullet">
/// <item><b>Anchor</b>: every match holds one of a few rare bytes (an <c>@</c>, a digit, the <c>J</c> of <c>eyJ</c>
/// with its literal around it). At each hit, the run of the pattern's alphabet around it is measured; a run shorter
/// than the pattern's shortest match is dropped, otherwise the window is the run, cut to the pattern's longest match
/// on either side of the hit.</item>
/// <item><b>Sampled run</b>: a pattern without a rare byte but with a long shortest match over an alphabet that
/// excludes spaces (a 40-character key). A run of at least <c>w</c> alphabet bytes holds a position that is a multiple
/// of <c>w</c>, so only those positions are looked at.</item>
/// </list>
/// </para>
/// <para>
/// Why scanning the windows gives exactly the matches a scan of the whole text gives (the canonical matches of
/// <see cref="IPatternScanner"/>): every match of a pattern lies inside one of that pattern's windows, windows are
/// only ever merged or widened (never cut), and no match crosses the edge of a merged window, because a match that
/// overlapped the edge would hold an anchor whose own window holds the whole match. Patterns are written without
/// assertions, so a match inside a window is a match inside the text and vice versa; scanning a window from its
/// start reaches the same leftmost-longest matches a scan of the whole text reaches.
/// </para>
/// </remarks>
internal sealed class AnchorPlan
{
    /// <summary>
    /// Anchors at most this many estimated hits per 1,000 bytes of text (all ten digits: 30) are worth searching for;
    /// a pattern whose best anchor is commoner (a lower-case letter) is scanned another way.
    /// </summary>
    internal const double MaxAnchorCost = 40;

    /// <summary>A pattern without a cheap anchor is sampled when its shortest match is at least this long.</summary>
    internal const int MinSampledWidth = 16;

    /// <summary>Patterns and anchor groups a plan can hold: each is one bit of a mask.</summary>
    internal const int MaxPatterns = 64;

    /// <summary>
    /// A window is widened this far past the farthest match its hit can start, so that hits in the next bytes fall
    /// inside it and are skipped rather than measured again (a 16-digit number is one window, not sixteen).
    /// </summary>
    private const int Slack = 24;

    /// <summary>Windows closer than this are scanned as one: a scan call costs more than a few extra bytes.</summary>
    private const int MergeGap = 48;

    private readonly Entry[] _entries;
    private readonly int[] _minWidths;
    private readonly int[] _maxWidths;
    private readonly ulong[] _member = new ulong[256];
    private readonly int[] _digitEntries;
    private readonly int[] _literalEntries;
    private readonly SearchValues<byte>? _otherTriggers;
    private readonly ulong[] _otherByByte = new ulong[256];
    private readonly int[] _sampledEntries;
    private readonly SearchValues<byte>?[] _literalAlphabets;

    // Per entry: the patterns without keywords its run admits, by run length (capped at the last index), and those
    // with keywords, admitted only when the text holds one of their group.
    private readonly ulong[][] _plainByLength;
    private readonly Member[][] _gatedMembers;
    private readonly ulong[] _entryGroups;
    private readonly ulong _gatedEntries;
    private readonly KeywordFinder? _keywords;

    private AnchorPlan(Entry[] entries, IReadOnlyList<(string Keyword, ulong Groups)> keywords)
    {
        _keywords = keywords.Count > 0 ? new KeywordFinder(keywords) : null;
        _entries = entries;
        _minWidths = [.. entries.Select(static e => e.MinWidth)];
        _maxWidths = [.. entries.Select(static e => e.MaxWidth)];
        _plainByLength = new ulong[entries.Length][];
        _gatedMembers = new Member[entries.Length][];
        _entryGroups = new ulong[entries.Length];
        var digits = new List<int>();
        var literals = new List<int>();
        var sampled = new List<int>();
        var triggers = new List<byte>();
        for (var e = 0; e < entries.Length; e++)
        {
            var entry = entries[e];
            var bit = 1UL << e;
            for (var b = 0; b < 256; b++)
            {
                if (entry.Alphabet[b])
                {
                    _member[b] |= bit;
                }
            }

            var plain = entry.Members.Where(static m => m.KeywordGroup < 0).ToArray();
            var byLength = new ulong[entry.Members.Max(static m => m.MinWidth) + 1];
            for (var length = 0; length < byLength.Length; length++)
            {
                foreach (var member in plain)
                {
                    if (length >= member.MinWidth)
                    {
                        byLength[length] |= member.Bit;
                    }
                }
            }

            _plainByLength[e] = byLength;
            _gatedMembers[e] = [.. entry.Members.Where(static m => m.KeywordGroup >= 0)];
            foreach (var member in _gatedMembers[e])
            {
                _entryGroups[e] |= 1UL << member.KeywordGroup;
            }

            if (plain.Length == 0)
            {
                _gatedEntries |= bit;
            }

            if (entry.Sampled)
            {
                sampled.Add(e);
            }
            else if (entry.Literal is not null)
            {
                // Searched for as the whole literal: a vectorised search for a few bytes in a row passes over a text
                // faster than any search for its rarest byte, and stops only where the literal stands.
                literals.Add(e);
            }
            else if (IsDigitsOnly(entry.Bytes))
            {
                // Searched for as one class: widening a subset of digits to all ten only adds hits.
                digits.Add(e);
            }
            else
            {
                for (var b = 0; b < 256; b++)
                {
                    if (entry.Bytes[b])
                    {
                        if (_otherByByte[b] == 0)
                        {
                            triggers.Add((byte)b);
                        }

                        _otherByByte[b] |= bit;
                    }
                }
            }
        }

        // Tokens only: an alphabet with spaces or line breaks (a PEM block) would hold whole paragraphs of prose, and
        // such patterns match their truncated form anyway.
        _literalAlphabets = new SearchValues<byte>?[entries.Length];
        foreach (var e in literals.Where(e => !entries[e].Alphabet[' '] && !entries[e].Alphabet['\n']))
        {
            _literalAlphabets[e] = SearchValues.Create([.. Enumerable.Range(0, 256).Where(b => entries[e].Alphabet[b]).Select(static b => (byte)b)]);
        }

        _digitEntries = [.. digits];
        _literalEntries = [.. literals];
        _sampledEntries = [.. sampled];
        _otherTriggers = triggers.Count > 0 ? SearchValues.Create(triggers.ToArray()) : null;
        Groups = [.. entries.Select(static e => e.Members.Aggregate(0UL, static (a, x) => a | x.Bit))];
    }

    /// <summary>The patterns (bits) of each anchor group: patterns whose windows are found together.</summary>
    public IReadOnlyList<ulong> Groups { get; }

    /// <summary>For one text: the keyword groups it holds, looked for once, on the first question about them.</summary>
    private struct KeywordState
    {
        private ulong _present;
        private bool _known;

        public ulong Present(ReadOnlySpan<byte> text, KeywordFinder? finder)
        {
            if (!_known)
            {
                _present = finder?.GroupsIn(text) ?? 0;
                _known = true;
            }

            return _present;
        }
    }

    /// <summary>
    /// Whether <paramref name="shape"/> can be scanned in windows: a cheap anchor, or a long shortest match over an
    /// alphabet without spaces.
    /// </summary>
    public static bool CanPlan(PatternShape? shape) =>
        shape is not null && (shape.Anchor is { Cost: <= MaxAnchorCost } || IsSampleable(shape));

    private static bool IsSampleable(PatternShape shape) =>
        shape.MinWidth >= MinSampledWidth && !shape.Alphabet[' '] && !shape.Alphabet['\n'];

    /// <summary>
    /// Builds the plan for at most <see cref="MaxPatterns"/> patterns that all pass <see cref="CanPlan"/>; pattern
    /// <c>i</c> is bit <c>i</c> of the masks <see cref="FindWindows"/> reports.
    /// </summary>
    public static AnchorPlan Create(IReadOnlyList<PatternShape> shapes) => Create(shapes, new IReadOnlyList<string>?[shapes.Count]);

    /// <summary>
    /// As <see cref="Create(IReadOnlyList{PatternShape})"/>, with each pattern's context keywords (null: none). A pattern
    /// with keywords can only count in a text that holds one of them, so a text without any gets no windows for it.
    /// </summary>
    public static AnchorPlan Create(IReadOnlyList<PatternShape> shapes, IReadOnlyList<IReadOnlyList<string>?> keywords)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shapes.Count, MaxPatterns, nameof(shapes));
        ArgumentOutOfRangeException.ThrowIfNotEqual(keywords.Count, shapes.Count, nameof(keywords));
        var keywordIndex = new Dictionary<string, int>(StringComparer.Ordinal);

        // Patterns with the same anchor and alphabet share one entry (widths widened to cover them all).
        var entries = new List<Entry>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < shapes.Count; p++)
        {
            var shape = shapes[p];
            if (!CanPlan(shape))
            {
                throw new ArgumentException("a pattern without a usable anchor cannot be planned", nameof(shapes));
            }

            // A pattern that needs a digit joins the digit pass unless something rarer anchors it (a literal, a '+'):
            // digits are searched for anyway, and one walk per run of digits serves every pattern there, where a
            // common punctuation anchor of its own ('.', '-') would add hits.
            var anchor = shape.Anchor is { Cost: <= MaxAnchorCost } a ? a : null;
            if (shape.RequiresDigit && anchor is not { Literal: not null } and not { Cost: < 1 })
            {
                anchor = Anchor.Digits;
            }

            // Digit-anchored patterns over digits and punctuation (card, SSN, phone, IP shapes) share one entry with
            // their alphabets joined: a run of the joined alphabet holds the run of each, so its windows hold theirs,
            // and one entry per digit hit costs less than a dozen. Each pattern still needs its own width.
            var numeric = anchor == Anchor.Digits && !HasLetters(shape.Alphabet);
            var key = numeric
                ? "numeric"
                : string.Concat(
                    anchor is null ? "s" : "a",
                    Key(shape.Alphabet),
                    anchor is null ? "" : Key(anchor.Bytes),
                    anchor?.Literal is { } literal ? Convert.ToHexString(literal) + "@" + anchor.LiteralOffset : "");
            var group = -1;
            if (keywords[p] is { Count: > 0 } words)
            {
                var lower = words.Select(static w => w.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();
                var joined = string.Join('\n', lower);
                if (!keywordIndex.TryGetValue(joined, out group))
                {
                    group = keywordIndex.Count;
                    keywordIndex.Add(joined, group);
                }
            }

            var member = new Member(1UL << p, shape.MinWidth, group);
            if (byKey.TryGetValue(key, out var index))
            {
                var existing = entries[index];
                var alphabet = existing.Alphabet;
                if (numeric)
                {
                    alphabet = new bool[256];
                    for (var b = 0; b < 256; b++)
                    {
                        alphabet[b] = existing.Alphabet[b] || shape.Alphabet[b];
                    }
                }

                entries[index] = existing with
                {
                    Alphabet = alphabet,
                    MinWidth = Math.Min(existing.MinWidth, shape.MinWidth),
                    MaxWidth = Math.Max(existing.MaxWidth, shape.MaxWidth),
                    Members = [.. existing.Members, member],
                };
                continue;
            }

            byKey.Add(key, entries.Count);
            entries.Add(new Entry(
                anchor?.Bytes ?? shape.Alphabet,
                anchor?.Literal,
                anchor?.LiteralOffset ?? 0,
                shape.Alphabet,
                shape.MinWidth,
                shape.MaxWidth,
                anchor is null,
                [member]));
        }

        if (keywordIndex.Count > MaxPatterns)
        {
            throw new ArgumentException("too many distinct keyword lists", nameof(keywords));
        }

        // Each keyword once, with every group it belongs to: one search over a text settles all groups.
        var groupsOf = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (joined, group) in keywordIndex)
        {
            foreach (var keyword in joined.Split('\n'))
            {
                groupsOf[keyword] = groupsOf.GetValueOrDefault(keyword) | (1UL << group);
            }
        }

        return new AnchorPlan([.. entries], [.. groupsOf.Select(static p => (p.Key, p.Value))]);
    }

    private static string Key(bool[] set)
    {
        Span<byte> bits = stackalloc byte[32];
        for (var b = 0; b < 256; b++)
        {
            if (set[b])
            {
                bits[b >> 3] |= (byte)(1 << (b & 7));
            }
        }

        return Convert.ToHexString(bits);
    }

    private static bool HasLetters(bool[] set)
    {
        for (var b = 'A'; b <= 'z'; b++)
        {
            if (set[b] && char.IsAsciiLetter(b))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDigitsOnly(bool[] set)
    {
        for (var b = 0; b < 256; b++)
        {
            if (set[b] && (uint)(b - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Fills <paramref name="windows"/> with the sorted, merged windows of <paramref name="text"/> that the plan's
    /// patterns must be scanned in, each with the mask of patterns to scan there. <paramref name="skipUntil"/> is
    /// scratch space of at least <see cref="MaxPatterns"/>. Windows start and end on UTF-8 character boundaries.
    /// </summary>
    /// <remarks>
    /// Each entry walks the text on its own, jumping past the windows it has already made: one search per run of
    /// digits per digit entry, one per occurrence per literal entry. Entries that share no search cost nothing on each
    /// other's hits, and every hit is measured for one alphabet only.
    /// </remarks>
    public void FindWindows(ReadOnlySpan<byte> text, ScanWindows windows, Span<int> skipUntil)
    {
        windows.Clear();
        skipUntil = skipUntil[.._entries.Length];
        skipUntil.Clear();
        var keywords = default(KeywordState);

        if (_digitEntries.Length > 0)
        {
            // One search per digit serves every digit entry; each entry skips the hits its last window covers.
            var position = 0;
            while (position < text.Length)
            {
                var found = text[position..].IndexOfAnyInRange((byte)'0', (byte)'9');
                if (found < 0)
                {
                    break;
                }

                var i = position + found;
                var next = int.MaxValue;
                foreach (var e in _digitEntries)
                {
                    if (i >= skipUntil[e])
                    {
                        Visit(text, i, e, windows, skipUntil, ref keywords);
                    }

                    next = Math.Min(next, Math.Max(i + 1, skipUntil[e]));
                }

                position = next;
            }
        }

        foreach (var e in _literalEntries)
        {
            var entry = _entries[e];
            var literal = entry.Literal!;
            var offset = entry.LiteralOffset;
            var position = 0;
            while (position <= text.Length - literal.Length)
            {
                var found = text[position..].IndexOf(literal);
                if (found < 0)
                {
                    break;
                }

                var at = position + found;
                Visit(text, at + offset, e, windows, skipUntil, ref keywords);
                position = (int)Math.Max(at + 1, (long)skipUntil[e] - offset);
            }
        }

        if (_otherTriggers is not null)
        {
            var position = 0;
            while (position < text.Length)
            {
                var found = text[position..].IndexOfAny(_otherTriggers);
                if (found < 0)
                {
                    break;
                }

                var i = position + found;
                for (var candidates = _otherByByte[text[i]]; candidates != 0; candidates &= candidates - 1)
                {
                    Visit(text, i, BitOperations.TrailingZeroCount(candidates), windows, skipUntil, ref keywords);
                }

                position = i + 1;
            }
        }

        foreach (var e in _sampledEntries)
        {
            var step = _minWidths[e];
            var bit = 1UL << e;
            var member = _member;
            for (var i = step - 1; i < text.Length; i += step)
            {
                // Most samples land in a short word: measure the run with a plain loop before the full visit.
                if ((member[text[i]] & bit) == 0 || i < skipUntil[e])
                {
                    continue;
                }

                int left = i, right = i + 1;
                while (left > 0 && (member[text[left - 1]] & bit) != 0 && i - left < step)
                {
                    left--;
                }

                while (right < text.Length && (member[text[right]] & bit) != 0 && right - left < step)
                {
                    right++;
                }

                if (right - left < step)
                {
                    continue;
                }

                Visit(text, i, e, windows, skipUntil, ref keywords);
            }
        }

        windows.Normalize(text, MergeGap);
    }

    /// <summary>
    /// Where the earliest run of a literal-anchored token pattern's alphabet (no spaces, no line breaks) that holds its
    /// literal and reaches the end of <paramref name="text"/> starts, or <see cref="int.MaxValue"/>: text that may still
    /// grow into a match (a token whose end has not arrived yet), however long it already is.
    /// </summary>
    public int OpenRunStart(ReadOnlySpan<byte> text)
    {
        var earliest = int.MaxValue;
        foreach (var e in _literalEntries)
        {
            if (_literalAlphabets[e] is not { } alphabet)
            {
                continue;
            }

            var literal = _entries[e].Literal!;
            var at = text.LastIndexOf(literal);
            if (at < 0 || text[at..].IndexOfAnyExcept(alphabet) >= 0)
            {
                continue;
            }

            earliest = Math.Min(earliest, RunStart(text, at, e, 0));
        }

        return earliest;
    }

    /// <summary>
    /// Measures the run of entry <paramref name="e"/>'s alphabet around its hit at <paramref name="i"/> and adds the
    /// window that holds the matches the run can hold, unless an earlier window covers the hit, the run is too short or
    /// the text lacks the keywords all the entry's patterns need.
    /// </summary>
    private void Visit(ReadOnlySpan<byte> text, int i, int e, ScanWindows windows, Span<int> skipUntil, ref KeywordState keywords)
    {
        var bit = 1UL << e;
        var membership = _member;
        if (i < skipUntil[e] || (membership[text[i]] & bit) == 0)
        {
            return;
        }

        if ((_gatedEntries & bit) != 0 && (keywords.Present(text, _keywords) & _entryGroups[e]) == 0)
        {
            // Every pattern of the entry needs a keyword this text does not hold.
            skipUntil[e] = int.MaxValue;
            return;
        }

        var maxWidth = _maxWidths[e];
        var bounded = maxWidth != PatternShape.Unbounded;
        var runStart = RunStart(text, i, e, bounded ? Math.Max(0, i - maxWidth + 1) : 0);
        var limit = bounded ? (int)Math.Min(text.Length, (long)i + maxWidth + Slack) : text.Length;
        var runEnd = i + 1;
        while (runEnd < limit && (membership[text[runEnd]] & bit) != 0)
        {
            runEnd++;
        }

        // A walk stopped at its limit inside a longer run is at least that long, which is all the window needs.
        var clipped = runEnd == limit && runEnd < text.Length;
        var length = runEnd - runStart;
        if (length < _minWidths[e])
        {
            // The whole run is too short for any match (a run cut at a walk limit is always long enough): every hit in
            // it is done.
            skipUntil[e] = runEnd;
            return;
        }

        int start, end;
        if (bounded)
        {
            start = Math.Max(runStart, i - maxWidth + 1);
            end = (int)Math.Min(runEnd, (long)i + maxWidth + Slack);
        }
        else
        {
            (start, end) = (runStart, runEnd);
        }

        // A later hit is covered when its own window lies inside this one: anywhere up to the run's end when the window
        // reaches it, else up to the slack.
        skipUntil[e] = end == runEnd && !clipped ? end : Math.Max(i + 1, end - maxWidth + 1);
        var byLength = _plainByLength[e];
        var patterns = byLength[Math.Min(length, byLength.Length - 1)];
        foreach (var member in _gatedMembers[e])
        {
            if (length >= member.MinWidth && (keywords.Present(text, _keywords) & (1UL << member.KeywordGroup)) != 0)
            {
                patterns |= member.Bit;
            }
        }

        if (patterns != 0)
        {
            windows.Add(start, end, patterns);
        }
    }

    /// <summary>
    /// Where the run of entry <paramref name="e"/>'s alphabet that reaches <paramref name="position"/> from the left
    /// starts, walking back no further than <paramref name="limit"/>.
    /// </summary>
    private int RunStart(ReadOnlySpan<byte> text, int position, int e, int limit)
    {
        var bit = 1UL << e;
        var membership = _member;
        var j = position - 1;
        while (j >= limit && (membership[text[j]] & bit) != 0)
        {
            j--;
        }

        return j + 1;
    }

    /// <summary>One anchor group: the bytes that trigger it, the literal to check, the alphabet, widths and patterns.</summary>
    private sealed record Entry(
        bool[] Bytes,
        byte[]? Literal,
        int LiteralOffset,
        bool[] Alphabet,
        int MinWidth,
        int MaxWidth,
        bool Sampled,
        Member[] Members);

    /// <summary>A pattern of an entry: its bit, shortest match and keyword group (-1: none).</summary>
    private readonly record struct Member(ulong Bit, int MinWidth, int KeywordGroup);
}

/// <summary>A reusable list of <c>[Start, End)</c> windows of one text.</summary>
internal sealed class ScanWindows
{
    private (int Start, int End, ulong Patterns)[] _items = new (int, int, ulong)[16];

    public int Count { get; private set; }

    /// <summary>Bytes covered, valid after <see cref="Normalize"/>.</summary>
    public int CoveredBytes { get; private set; }

    public (int Start, int End, ulong Patterns) this[int index] => _items[index];

    public void Clear()
    {
        Count = 0;
        CoveredBytes = 0;
    }

    public void Add(int start, int end, ulong patterns)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = (start, end, patterns);
    }

    /// <summary>Sorts, widens each window to character boundaries and merges windows that overlap or nearly touch.</summary>
    public void Normalize(ReadOnlySpan<byte> text, int gap)
    {
        if (Count == 0)
        {
            return;
        }

        var items = _items.AsSpan(0, Count);
        for (var i = 1; i < items.Length; i++)
        {
            if (items[i].Start < items[i - 1].Start)
            {
                items.Sort(static (a, b) => a.Start.CompareTo(b.Start));
                break;
            }
        }

        var kept = 0;
        var covered = 0;
        var (start, end, patterns) = Widen(text, items[0]);
        for (var i = 1; i < items.Length; i++)
        {
            var next = Widen(text, items[i]);
            if (next.Start <= end + gap)
            {
                end = Math.Max(end, next.End);
                patterns |= next.Patterns;
                continue;
            }

            items[kept++] = (start, end, patterns);
            covered += end - start;
            (start, end, patterns) = next;
        }

        items[kept++] = (start, end, patterns);
        covered += end - start;
        Count = kept;
        CoveredBytes = covered;
    }

    private static (int Start, int End, ulong Patterns) Widen(ReadOnlySpan<byte> text, (int Start, int End, ulong Patterns) window)
    {
        var (start, end, patterns) = window;
        while (start > 0 && (text[start] & 0xC0) == 0x80)
        {
            start--;
        }

        while (end < text.Length && (text[end] & 0xC0) == 0x80)
        {
            end++;
        }

        return (start, end, patterns);
    }
}
