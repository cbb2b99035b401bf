using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using FastMask.Hyperscan;

namespace FastMask.Masking.Detection;

/// <summary>
/// The fast engine: Hyperscan block-mode databases, one scratch per thread, and the reports reduced to the canonical
/// matches of <see cref="IPatternScanner"/>.
/// </summary>
/// <remarks>
/// <para>
/// Two passes, because leftmost start of match is expensive to track across a whole text (an e-mail pattern's
/// unbounded local part makes every word a candidate start: about 5x slower on prose). The first pass runs all
/// patterns together without start tracking and yields every offset where some pattern's match ends; most texts stop
/// here with nothing found. The second pass runs only the patterns that matched, each from its own SOM_LEFTMOST
/// database, over windows that reach back from each end by the pattern's maximum width (to the start of the text
/// when the width is unbounded). A match's leftmost start lies inside its window, so the start reported on the
/// window is the one the whole text would give.
/// </para>
/// <para>
/// SOM_LEFTMOST reports each end offset with the leftmost start of a match ending there. The canonical scan wants,
/// from the current position, the leftmost start and its longest end: per pattern, starts are walked in ascending
/// order, each start taking its largest end, and a start is accepted only at or after the end of the previously
/// accepted match. That alone can miss a match: a report (s, e) with s before the current position p and e after
/// it hides any match that also ends at e but starts at or after p (<c>a@b.com.c@d.org</c> with an e-mail pattern:
/// the second address ends where a match starting inside the first one does). When such a straddling report exists,
/// the text from p to the furthest straddling end is scanned again, which yields exactly the matches starting at or
/// after p there. A hidden match is at least the pattern's minimum width long, so a straddling report ending closer
/// than that to p hides nothing: fixed-width patterns never scan again.
/// </para>
/// <para>
/// Both windows and re-scans rely on a pattern matching a slice exactly as it matches inside the whole text, which
/// holds because patterns are written without assertions (anchors, word boundaries, lookarounds; see
/// <see cref="PatternSpec"/>).
/// </para>
/// </remarks>
internal sealed class HyperscanScanner : IPatternScanner
{
    private const HyperscanFlags BaseFlags = HyperscanFlags.Utf8;

    private readonly HyperscanDatabase? _ends;
    private readonly HyperscanDatabase[] _spans = [];
    private readonly int[] _minWidths = [];
    private readonly int[] _maxWidths = [];
    private readonly System.Buffers.SearchValues<byte>?[] _alphabets = [];
    private readonly HyperscanScratch? _prototype;
    private readonly ThreadLocal<Worker>? _workers;
    private int _disposed;

    public HyperscanScanner(IReadOnlyList<PatternSpec> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var count = patterns.Count;
        if (count == 0)
        {
            return;
        }

        var expressions = new HyperscanExpression[count];
        for (var i = 0; i < count; i++)
        {
            expressions[i] = ExpressionFor(patterns[i], i, startOfMatch: false);
        }

        _ends = Compile(expressions, indexBase: 0);
        _spans = new HyperscanDatabase[count];
        try
        {
            _minWidths = new int[count];
            _maxWidths = new int[count];
            _alphabets = new System.Buffers.SearchValues<byte>?[count];
            for (var i = 0; i < count; i++)
            {
                _alphabets[i] = PatternShape.TryAnalyze(patterns[i].Expression, patterns[i].CaseInsensitive)?.AlphabetValues;
                var expression = ExpressionFor(patterns[i], i, startOfMatch: true);
                _spans[i] = Compile([expression], indexBase: i);
                var info = HyperscanExpressionInfo.Analyze(expression.Pattern, expression.Flags);
                _minWidths[i] = (int)Math.Min(info.MinWidth, int.MaxValue);
                _maxWidths[i] = (int)Math.Min(info.MaxWidth, int.MaxValue);
            }

            _prototype = _ends.CreateScratch();
            foreach (var database in _spans)
            {
                database.ReserveScratch(_prototype);
            }

            _workers = new ThreadLocal<Worker>(CreateWorker, trackAllValues: true);
        }
        catch
        {
            _prototype?.Dispose();
            foreach (var database in _spans)
            {
                database?.Dispose();
            }

            _ends.Dispose();
            throw;
        }
    }

    public DetectorEngineKind Engine => DetectorEngineKind.Hyperscan;

    /// <summary>Whether libhs loads on this machine and supports its CPU; <paramref name="reason"/> says why not.</summary>
    public static bool IsAvailable(out string? reason)
    {
        try
        {
            return HyperscanLibrary.IsAvailable(out reason);
        }
        catch (Exception e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Compiles <paramref name="pattern"/> alone, as the scanner would, to validate a custom detector. Returns false
    /// with the compiler's message when Hyperscan refuses it (lookarounds, backreferences, a pattern that can match
    /// the empty string) or when Hyperscan is not available at all.
    /// </summary>
    public static bool TryValidate(PatternSpec pattern, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!IsAvailable(out var reason))
        {
            error = "Hyperscan is not available: " + reason;
            return false;
        }

        try
        {
            using (HyperscanDatabase.Compile([ExpressionFor(pattern, 0, startOfMatch: false)]))
            using (HyperscanDatabase.Compile([ExpressionFor(pattern, 0, startOfMatch: true)]))
            {
                error = null;
                return true;
            }
        }
        catch (HyperscanException e)
        {
            error = e is HyperscanCompileException compile ? compile.CompilerMessage : e.Message;
            return false;
        }
    }

    private static HyperscanExpression ExpressionFor(PatternSpec pattern, int index, bool startOfMatch) =>
        new(
            pattern.Expression,
            BaseFlags | (startOfMatch ? HyperscanFlags.SomLeftmost : 0) | (pattern.CaseInsensitive ? HyperscanFlags.Caseless : 0),
            (uint)index);

    private static HyperscanDatabase Compile(HyperscanExpression[] expressions, int indexBase)
    {
        try
        {
            return HyperscanDatabase.Compile(expressions);
        }
        catch (HyperscanCompileException e)
        {
            var index = e.ExpressionIndex >= 0 ? indexBase + e.ExpressionIndex : -1;
            throw new PatternCompileException(index, index >= 0 ? $"pattern {index}: {e.CompilerMessage}" : e.CompilerMessage, e);
        }
    }

    public void Scan(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> matches) => WorkerFor(utf8, matches)?.Scan(this, utf8, matches);

    /// <summary>
    /// Runs only the selected patterns, each straight from its start-of-match database: for a short window that a
    /// prefilter has already narrowed to a few patterns, one such scan costs less than the two passes.
    /// </summary>
    public void Scan(ReadOnlySpan<byte> utf8, ulong patterns, MatchBuffer<RawMatch> matches)
    {
        if (patterns != 0)
        {
            WorkerFor(utf8, matches)?.ScanPatterns(this, utf8, patterns, matches);
        }
    }

    /// <summary>This thread's worker, or null when there is nothing to scan; throws on malformed input.</summary>
    private Worker? WorkerFor(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> matches)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(matches);
        if (_ends is null || utf8.IsEmpty)
        {
            return null;
        }

        // The databases are compiled in UTF-8 mode, where libhs leaves the result on malformed input undefined:
        // refuse to scan rather than report spans nobody can trust.
        if (!Utf8.IsValid(utf8))
        {
            ThrowInvalidUtf8();
        }

        return _workers!.Value!;
    }

    [DoesNotReturn]
    private static void ThrowInvalidUtf8() =>
        throw new ArgumentException("The text to scan is not valid UTF-8.", "utf8");

    private Worker CreateWorker()
    {
        // Cloning only reads the prototype, but libhs does not document concurrent clones of one scratch.
        HyperscanScratch scratch;
        lock (_prototype!)
        {
            scratch = _prototype.Clone();
        }

        return new Worker(scratch, _spans.Length);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_workers is not null)
        {
            foreach (var worker in _workers.Values)
            {
                worker.Dispose();
            }

            _workers.Dispose();
        }

        _prototype?.Dispose();
        foreach (var database in _spans)
        {
            database.Dispose();
        }

        _ends?.Dispose();
    }

    /// <summary>A match reported by Hyperscan: its pattern, start (0 without start tracking) and end.</summary>
    private readonly record struct Report(int Pattern, int Start, int End);

    /// <summary>A growable array of reports; reused across scans by one thread.</summary>
    private sealed class ReportList
    {
        public Report[] Items = new Report[64];
        public int Count;

        public Span<Report> Span => Items.AsSpan(0, Count);

        public void Add(Report report)
        {
            if (Count == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }

            Items[Count++] = report;
        }

        public void EnsureCapacity(int capacity)
        {
            if (Items.Length < capacity)
            {
                Items = new Report[Math.Max(capacity, Items.Length * 2)];
            }
        }
    }

    /// <summary>Appends each report, shifted by the offset of the scanned slice, to a list.</summary>
    private readonly struct Collector(ReportList target, int offset) : IHyperscanMatchHandler
    {
        public bool OnMatch(uint id, ulong startOffset, ulong endOffset)
        {
            target.Add(new Report((int)id, (int)startOffset + offset, (int)endOffset + offset));
            return true;
        }
    }

    /// <summary>One thread's scratch (sized for every database of the scanner) and buffers.</summary>
    private sealed class Worker(HyperscanScratch scratch, int patternCount) : IDisposable
    {
        private readonly ReportList _ends = new();
        private readonly ReportList _grouped = new();
        private readonly ReportList _spans = new();
        private readonly ReportList _left = new();
        private readonly ReportList _right = new();
        private readonly int[] _groupEnds = new int[patternCount + 1];

        public void Scan(HyperscanScanner owner, ReadOnlySpan<byte> text, MatchBuffer<RawMatch> matches)
        {
            _ends.Count = 0;
            var collector = new Collector(_ends, 0);
            owner._ends!.Scan(text, scratch, ref collector);
            if (_ends.Count == 0)
            {
                return;
            }

            // Group the ends by pattern (counting sort: linear, keeps each pattern's reports in scan order).
            var groupEnds = _groupEnds;
            Array.Clear(groupEnds);
            var ends = _ends.Span;
            foreach (var r in ends)
            {
                groupEnds[r.Pattern + 1]++;
            }

            for (var p = 1; p < groupEnds.Length; p++)
            {
                groupEnds[p] += groupEnds[p - 1];
            }

            _grouped.EnsureCapacity(ends.Length);
            var grouped = _grouped.Items;
            foreach (var r in ends)
            {
                grouped[groupEnds[r.Pattern]++] = r;
            }

            // Each slot now holds its group's end; the group begins where the previous one ended.
            var from = 0;
            for (var p = 0; p < patternCount; p++)
            {
                var to = groupEnds[p];
                if (to > from)
                {
                    var spans = FindSpans(owner._spans[p], owner._maxWidths[p], owner._alphabets[p], text, grouped.AsSpan(from, to - from));
                    Reduce(owner._spans[p], owner._minWidths[p], text, p, spans, matches);
                }

                from = to;
            }
        }

        public void ScanPatterns(HyperscanScanner owner, ReadOnlySpan<byte> text, ulong patterns, MatchBuffer<RawMatch> matches)
        {
            // Past a few patterns the first pass finds the few that match for less than a scan of each.
            if (System.Numerics.BitOperations.PopCount(patterns) > 2)
            {
                Scan(owner, text, matches);
                return;
            }

            for (var rest = patterns; rest != 0; rest &= rest - 1)
            {
                var p = System.Numerics.BitOperations.TrailingZeroCount(rest);
                if (p >= owner._spans.Length)
                {
                    return;
                }

                _spans.Count = 0;
                ScanWindow(owner._spans[p], text, 0, text.Length);
                if (_spans.Count > 0)
                {
                    Reduce(owner._spans[p], owner._minWidths[p], text, p, _spans.Span, matches);
                }
            }
        }

        /// <summary>Scans the windows that hold the leftmost starts of one pattern's matches ending at <paramref name="ends"/>.</summary>
        /// <remarks>
        /// A window reaches back by the pattern's maximum width, and never past the run of bytes of the pattern's
        /// alphabet that holds the end: no match crosses a byte outside it. For unbounded patterns (an e-mail's
        /// local part) that keeps the window to the word around the match instead of the whole text before it.
        /// </remarks>
        private Span<Report> FindSpans(HyperscanDatabase database, int maxWidth, System.Buffers.SearchValues<byte>? alphabet, ReadOnlySpan<byte> text, Span<Report> ends)
        {
            SortByEnd(ends);
            _spans.Count = 0;
            var windowStart = WindowStart(text, ends[0].End, maxWidth, alphabet);
            var windowEnd = ends[0].End;
            for (var i = 1; i <= ends.Length; i++)
            {
                if (i < ends.Length)
                {
                    var end = ends[i].End;
                    var start = WindowStart(text, end, maxWidth, alphabet);
                    if (start <= windowEnd)
                    {
                        windowEnd = end;
                        continue;
                    }

                    ScanWindow(database, text, windowStart, windowEnd);
                    windowStart = start;
                    windowEnd = end;
                    continue;
                }

                ScanWindow(database, text, windowStart, windowEnd);
            }

            return _spans.Span;
        }

        private static int WindowStart(ReadOnlySpan<byte> text, int end, int maxWidth, System.Buffers.SearchValues<byte>? alphabet)
        {
            var start = Math.Max(0, end - maxWidth);
            if (alphabet is not null)
            {
                start = Math.Max(start, text[start..end].LastIndexOfAnyExcept(alphabet) + 1 + start);
            }

            return start;
        }

        private void ScanWindow(HyperscanDatabase database, ReadOnlySpan<byte> text, int start, int end)
        {
            var collector = new Collector(_spans, start);
            database.Scan(text[start..end], scratch, ref collector);
        }

        /// <summary>Turns one pattern's exact (leftmost start, end) reports into its canonical matches.</summary>
        private void Reduce(HyperscanDatabase database, int minWidth, ReadOnlySpan<byte> text, int pattern, Span<Report> current, MatchBuffer<RawMatch> matches)
        {
            SortByStart(current);
            var position = 0;
            var next = _left;
            while (true)
            {
                // furthest: the largest end among reports that start before the current position and could hide a match.
                var furthest = position;
                var i = 0;
                while (i < current.Length)
                {
                    var r = current[i];
                    if (r.Start < position)
                    {
                        if (r.End - position >= minWidth)
                        {
                            furthest = Math.Max(furthest, r.End);
                        }

                        i++;
                        continue;
                    }

                    if (furthest > position)
                    {
                        break;
                    }

                    var end = r.End;
                    for (i++; i < current.Length && current[i].Start == r.Start; i++)
                    {
                        end = Math.Max(end, current[i].End);
                    }

                    matches.Add(new RawMatch(pattern, r.Start, end));
                    position = end;
                    furthest = end;
                }

                if (furthest <= position)
                {
                    return;
                }

                // A straddling report may hide matches that start at or after the position and end by `furthest`:
                // scan that slice again. Reports ending beyond it start at or after the position (else they would
                // straddle too) and stay as they are.
                next.Count = 0;
                foreach (var r in current[i..])
                {
                    if (r.End > furthest)
                    {
                        next.Add(r);
                    }
                }

                var collector = new Collector(next, position);
                database.Scan(text[position..furthest], scratch, ref collector);
                current = next.Span;
                SortByStart(current);
                next = next == _left ? _right : _left;
            }
        }

        private static void SortByEnd(Span<Report> reports)
        {
            for (var i = 1; i < reports.Length; i++)
            {
                if (reports[i].End < reports[i - 1].End)
                {
                    reports.Sort(static (x, y) => x.End.CompareTo(y.End));
                    return;
                }
            }
        }

        private static void SortByStart(Span<Report> reports)
        {
            for (var i = 1; i < reports.Length; i++)
            {
                if (reports[i].Start < reports[i - 1].Start)
                {
                    // A static lambda is a cached delegate; a struct IComparer would be boxed by Sort.
                    reports.Sort(static (x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : y.End.CompareTo(x.End));
                    return;
                }
            }
        }

        public void Dispose() => scratch.Dispose();
    }
}
