using System.Buffers;
using System.Numerics;
using System.Text;

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
    private readonly Member[][] _members;
    private readonly SearchValues<string>[] _keywordGroups;
    private readonly SearchValues<string>? _allKeywords;
    private readonly ulong _gatedEntries;
    private readonly ulong[] _member = new ulong[256];
    private readonly ulong _digitEntries;
    private readonly ulong _literalEntries;
    private readonly SearchValues<byte>? _otherTriggers;
    private readonly ulong[] _otherByByte = new ulong[256];
    private readonly int[] _sampledEntries;

    private AnchorPlan(Entry[] entries, SearchValues<string>[] keywordGroups, string[] allKeywords)
    {
        _allKeywords = allKeywords.Length > 0 ? SearchValues.Create(allKeywords, StringComparison.OrdinalIgnoreCase) : null;
        _entries = entries;
        _keywordGroups = keywordGroups;
        _minWidths = [.. entries.Select(static e => e.MinWidth)];
        _maxWidths = [.. entries.Select(static e => e.MaxWidth)];
        _members = [.. entries.Select(static e => e.Members)];
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

            if (entry.Members.All(static m => m.KeywordGroup >= 0))
            {
                _gatedEntries |= bit;
            }

            if (entry.Sampled)
            {
                sampled.Add(e);
                continue;
            }

            if (entry.Literal is null && IsDigitsOnly(entry.Bytes))
            {
                // Searched for as one class: any digit triggers them all, so a run of digits is handled at its first
                // digit and skipped after that. Widening a subset of digits to all ten only adds hits.
                _digitEntries |= bit;
                continue;
            }

            if (entry.Literal is not null)
            {
                _literalEntries |= bit;
            }

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

        _sampledEntries = [.. sampled];
        _otherTriggers = triggers.Count > 0 ? SearchValues.Create(triggers.ToArray()) : null;
    }

    /// <summary>The patterns (bits) of each anchor group: patterns whose windows are found together.</summary>
    public IReadOnlyList<ulong> Groups => [.. _members.Select(static m => m.Aggregate(0UL, static (a, x) => a | x.Bit))];

    /// <summary>Per keyword group, for one text: 0 not looked for yet, 1 present, 2 absent.</summary>
    private ref struct KeywordState(Span<byte> state)
    {
        private readonly Span<byte> _state = state;
        private char[]? _chars;
        private int _length;

        public bool Present(ReadOnlySpan<byte> text, SearchValues<string>[] groups, SearchValues<string>? all, int group)
        {
            if (_state[group] == 0)
            {
                // SearchValues<string> looks for many keywords in one vectorised pass, in any case, over UTF-16: the
                // text is widened once, on the first question about it, and first searched for every keyword at once,
                // which in most texts settles every group.
                if (_chars is null)
                {
                    _chars = t_chars is { } cached && cached.Length >= text.Length ? cached : t_chars = new char[Math.Max(text.Length, 256)];
                    _length = Encoding.UTF8.GetChars(text, _chars);
                    if (all is not null && _chars.AsSpan(0, _length).IndexOfAny(all) < 0)
                    {
                        _state[..groups.Length].Fill(2);
                        return false;
                    }
                }

                _state[group] = _chars.AsSpan(0, _length).IndexOfAny(groups[group]) >= 0 ? (byte)1 : (byte)2;
            }

            return _state[group] == 1;
        }
    }

    [ThreadStatic]
    private static char[]? t_chars;



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
        var keywordGroups = new List<SearchValues<string>>();
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
                    group = keywordGroups.Count;
                    keywordIndex.Add(joined, group);
                    keywordGroups.Add(SearchValues.Create(lower, StringComparison.OrdinalIgnoreCase));
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

        if (keywordGroups.Count > MaxPatterns)
        {
            throw new ArgumentException("too many distinct keyword lists", nameof(keywords));
        }

        return new AnchorPlan([.. entries], [.. keywordGroups], [.. keywordIndex.Keys.SelectMany(static k => k.Split('\n')).Distinct()]);
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
    public void FindWindows(ReadOnlySpan<byte> text, ScanWindows windows, Span<int> skipUntil)
    {
        windows.Clear();
        skipUntil = skipUntil[.._entries.Length];
        skipUntil.Clear();
        Span<int> starts = stackalloc int[MaxPatterns];
        Span<int> ends = stackalloc int[MaxPatterns];
        var keywords = new KeywordState(stackalloc byte[MaxPatterns]);

        if (_digitEntries != 0)
        {
            var position = 0;
            while (position < text.Length)
            {
                var found = text[position..].IndexOfAnyInRange((byte)'0', (byte)'9');
                if (found < 0)
                {
                    break;
                }

                var i = position + found;
                Visit(text, i, _digitEntries, windows, skipUntil, starts, ends, ref keywords);

                // Every digit entry has seen this hit: digits before the nearest skip point add nothing.
                var next = int.MaxValue;
                for (var active = _digitEntries; active != 0; active &= active - 1)
                {
                    next = Math.Min(next, skipUntil[BitOperations.TrailingZeroCount(active)]);
                }

                position = Math.Max(i + 1, next);
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
                var candidates = _otherByByte[text[i]];
                if (BitOperations.IsPow2(candidates))
                {
                    VisitOne(text, i, BitOperations.TrailingZeroCount(candidates), windows, skipUntil, ref keywords);
                }
                else
                {
                    Visit(text, i, candidates, windows, skipUntil, starts, ends, ref keywords);
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

                VisitOne(text, i, e, windows, skipUntil, ref keywords);
            }
        }

        windows.Normalize(text, MergeGap);
    }

    /// <summary>
    /// Measures, for every entry in <paramref name="candidates"/> that the hit at <paramref name="i"/> concerns, the run
    /// of its alphabet around the hit (walked once for all of them), and adds one window covering the windows of those
    /// whose run can hold a match.
    /// </summary>
    private void Visit(
        ReadOnlySpan<byte> text,
        int i,
        ulong candidates,
        ScanWindows windows,
        Span<int> skipUntil,
        Span<int> starts,
        Span<int> ends,
        ref KeywordState keywords)
    {
        var membership = _member;
        var maxWidths = _maxWidths;
        var active = candidates & membership[text[i]];
        ulong alive = 0;
        int leftReach = 0, rightReach = 0;
        for (var rest = active; rest != 0; rest &= rest - 1)
        {
            var e = BitOperations.TrailingZeroCount(rest);
            if (!Admits(text, i, e, skipUntil, ref keywords))
            {
                continue;
            }

            alive |= 1UL << e;
            var maxWidth = maxWidths[e];
            if (maxWidth == PatternShape.Unbounded)
            {
                leftReach = rightReach = int.MaxValue;
            }
            else if (leftReach != int.MaxValue)
            {
                leftReach = Math.Max(leftReach, maxWidth - 1);
                rightReach = Math.Max(rightReach, maxWidth + Slack);
            }
        }

        // Entries that the hit does not concern have nothing to do before the next byte.
        for (var rest = candidates & ~alive; rest != 0; rest &= rest - 1)
        {
            var e = BitOperations.TrailingZeroCount(rest);
            skipUntil[e] = Math.Max(skipUntil[e], i + 1);
        }

        if (alive == 0)
        {
            return;
        }

        // Walk left and right once for all live entries; an entry drops out where its alphabet ends. Entries still
        // open when the walk reaches its limit have runs at least that long, which is all their windows need.
        var open = alive;
        var j = i - 1;
        var limit = leftReach == int.MaxValue ? 0 : Math.Max(0, i - leftReach);
        for (; open != 0 && j >= limit; j--)
        {
            var keep = open & membership[text[j]];
            for (var closed = open & ~keep; closed != 0; closed &= closed - 1)
            {
                starts[BitOperations.TrailingZeroCount(closed)] = j + 1;
            }

            open = keep;
        }

        for (; open != 0; open &= open - 1)
        {
            starts[BitOperations.TrailingZeroCount(open)] = j + 1;
        }

        open = alive;
        j = i + 1;
        limit = rightReach == int.MaxValue ? text.Length : (int)Math.Min(text.Length, (long)i + rightReach);
        for (; open != 0 && j < limit; j++)
        {
            var keep = open & membership[text[j]];
            for (var closed = open & ~keep; closed != 0; closed &= closed - 1)
            {
                ends[BitOperations.TrailingZeroCount(closed)] = j;
            }

            open = keep;
        }

        // Still open at the limit: the run goes on (or the text ends, where j is the run's real end).
        var clipped = j < text.Length ? open : 0;
        for (; open != 0; open &= open - 1)
        {
            ends[BitOperations.TrailingZeroCount(open)] = j;
        }

        int windowStart = int.MaxValue, windowEnd = -1;
        ulong patterns = 0;
        for (var rest = alive; rest != 0; rest &= rest - 1)
        {
            var e = BitOperations.TrailingZeroCount(rest);
            patterns |= Window(text, i, e, starts[e], ends[e], (clipped & (1UL << e)) != 0, skipUntil, ref keywords, ref windowStart, ref windowEnd);
        }

        if (patterns != 0)
        {
            windows.Add(windowStart, windowEnd, patterns);
        }
    }

    /// <summary>
    /// <see cref="Visit"/> for a hit that concerns a single entry (most hits outside the digit pass): the same checks
    /// and window with plain loops instead of masks.
    /// </summary>
    private void VisitOne(ReadOnlySpan<byte> text, int i, int e, ScanWindows windows, Span<int> skipUntil, ref KeywordState keywords)
    {
        var bit = 1UL << e;
        var membership = _member;
        if ((membership[text[i]] & bit) == 0 || !Admits(text, i, e, skipUntil, ref keywords))
        {
            return;
        }

        var maxWidth = _maxWidths[e];
        var bounded = maxWidth != PatternShape.Unbounded;
        var left = bounded ? Math.Max(0, i - maxWidth + 1) : 0;
        var j = i - 1;
        while (j >= left && (membership[text[j]] & bit) != 0)
        {
            j--;
        }

        var right = bounded ? (int)Math.Min(text.Length, (long)i + maxWidth + Slack) : text.Length;
        var k = i + 1;
        while (k < right && (membership[text[k]] & bit) != 0)
        {
            k++;
        }

        int windowStart = int.MaxValue, windowEnd = -1;
        var patterns = Window(text, i, e, j + 1, k, k == right && k < text.Length, skipUntil, ref keywords, ref windowStart, ref windowEnd);
        if (patterns != 0)
        {
            windows.Add(windowStart, windowEnd, patterns);
        }
    }

    /// <summary>
    /// For entry <paramref name="e"/> hit at <paramref name="i"/> inside the alphabet run [<paramref name="runStart"/>,
    /// <paramref name="runEnd"/>) (<paramref name="clipped"/>: the walk stopped at its limit, the run goes on), widens the
    /// window to hold its matches, sets how far later hits are covered, and returns the patterns to scan there.
    /// </summary>
    private ulong Window(
        ReadOnlySpan<byte> text,
        int i,
        int e,
        int runStart,
        int runEnd,
        bool clipped,
        Span<int> skipUntil,
        ref KeywordState keywords,
        ref int windowStart,
        ref int windowEnd)
    {
        var maxWidth = _maxWidths[e];
        var length = runEnd - runStart;
        if (length < _minWidths[e])
        {
            // The whole run is too short for any match (a run cut at a walk limit is always long enough): every hit in
            // it is done.
            skipUntil[e] = runEnd;
            return 0;
        }

        int start, end;
        if (maxWidth != PatternShape.Unbounded)
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
        ulong patterns = 0;
        foreach (var member in _members[e])
        {
            if (length >= member.MinWidth && (member.KeywordGroup < 0 || keywords.Present(text, _keywordGroups, _allKeywords, member.KeywordGroup)))
            {
                patterns |= member.Bit;
            }
        }

        if (patterns != 0)
        {
            windowStart = Math.Min(windowStart, start);
            windowEnd = Math.Max(windowEnd, end);
        }

        return patterns;
    }

    /// <summary>
    /// Whether entry <paramref name="e"/> has work at hit <paramref name="i"/>: not covered by an earlier window, its
    /// literal (if any) stands around the hit, and (if all its patterns need a keyword) the text holds one.
    /// </summary>
    private bool Admits(ReadOnlySpan<byte> text, int i, int e, Span<int> skipUntil, ref KeywordState keywords)
    {
        if (i < skipUntil[e])
        {
            return false;
        }

        var bit = 1UL << e;
        if ((_literalEntries & bit) != 0)
        {
            var entry = _entries[e];
            var literal = entry.Literal!;
            var at = i - entry.LiteralOffset;
            if (at < 0 || at + literal.Length > text.Length || !text.Slice(at, literal.Length).SequenceEqual(literal))
            {
                return false;
            }
        }

        if ((_gatedEntries & bit) != 0 && !AnyKeyword(text, e, ref keywords))
        {
            // Every pattern of the entry needs a keyword this text does not hold.
            skipUntil[e] = int.MaxValue;
            return false;
        }

        return true;
    }

    private bool AnyKeyword(ReadOnlySpan<byte> text, int e, ref KeywordState keywords)
    {
        foreach (var member in _members[e])
        {
            if (keywords.Present(text, _keywordGroups, _allKeywords, member.KeywordGroup))
            {
                return true;
            }
        }

        return false;
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
