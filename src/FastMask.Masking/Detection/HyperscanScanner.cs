using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using FastMask.Hyperscan;

namespace FastMask.Masking.Detection;

/// <summary>
/// The fast engine: all patterns in one Hyperscan block-mode database with leftmost start of match, one scratch
/// per thread, and the reports reduced to the canonical matches of <see cref="IPatternScanner"/>.
/// </summary>
/// <remarks>
/// <para>
/// With SOM_LEFTMOST, Hyperscan reports every end offset at which a pattern matches, each with the leftmost start of
/// a match ending there. The canonical scan wants, from the current position, the leftmost start and its longest end:
/// per pattern, starts are walked in ascending order, each start taking its largest end, and a start is accepted
/// only at or after the end of the previously accepted match.
/// </para>
/// <para>
/// That reduction alone can miss a match: a report (s, e) with s before the current position p and e after it hides
/// any match that also ends at e but starts at or after p (<c>a@b.com.c@d.org</c> with an e-mail pattern: the second
/// address ends where a match starting inside the first one does). When such a straddling report exists, the text
/// from p to the furthest straddling end is scanned again for that pattern alone, which yields exactly the matches
/// starting at or after p there. Patterns are written without assertions (PatternSpec), so the re-scanned slice
/// matches as it would inside the whole text. A hidden match is at least the pattern's minimum width long, so a
/// straddling report ending closer than that to p hides nothing: fixed-width patterns never re-scan.
/// </para>
/// </remarks>
internal sealed class HyperscanScanner : IPatternScanner
{
    private const HyperscanFlags BaseFlags = HyperscanFlags.SomLeftmost | HyperscanFlags.Utf8;

    private readonly int _patternCount;
    private readonly int[] _minWidths = [];
    private readonly HyperscanDatabase? _database;
    private readonly HyperscanScratch? _prototype;
    private readonly ThreadLocal<Worker>? _workers;
    private int _disposed;

    public HyperscanScanner(IReadOnlyList<PatternSpec> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        _patternCount = patterns.Count;
        if (_patternCount == 0)
        {
            return;
        }

        var expressions = new HyperscanExpression[_patternCount];
        for (var i = 0; i < expressions.Length; i++)
        {
            expressions[i] = ExpressionFor(patterns[i], i);
        }

        try
        {
            _database = HyperscanDatabase.Compile(expressions);
        }
        catch (HyperscanCompileException e)
        {
            throw new PatternCompileException(
                e.ExpressionIndex,
                e.ExpressionIndex >= 0 ? $"pattern {e.ExpressionIndex}: {e.CompilerMessage}" : e.CompilerMessage,
                e);
        }

        try
        {
            _minWidths = new int[_patternCount];
            for (var i = 0; i < expressions.Length; i++)
            {
                var info = HyperscanExpressionInfo.Analyze(expressions[i].Pattern, expressions[i].Flags);
                _minWidths[i] = (int)Math.Min(info.MinWidth, int.MaxValue);
            }

            _prototype = _database.CreateScratch();
            _workers = new ThreadLocal<Worker>(CreateWorker, trackAllValues: true);
        }
        catch
        {
            _prototype?.Dispose();
            _database.Dispose();
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
            using var database = HyperscanDatabase.Compile([ExpressionFor(pattern, 0)]);
            error = null;
            return true;
        }
        catch (HyperscanException e)
        {
            error = e is HyperscanCompileException compile ? compile.CompilerMessage : e.Message;
            return false;
        }
    }

    private static HyperscanExpression ExpressionFor(PatternSpec pattern, int index) =>
        new(pattern.Expression, BaseFlags | (pattern.CaseInsensitive ? HyperscanFlags.Caseless : 0), (uint)index);

    public void Scan(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> matches)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(matches);
        if (_database is null || utf8.IsEmpty)
        {
            return;
        }

        // The database is compiled in UTF-8 mode, where libhs leaves the result on malformed input undefined:
        // refuse to scan rather than report spans nobody can trust.
        if (!Utf8.IsValid(utf8))
        {
            ThrowInvalidUtf8();
        }

        _workers!.Value!.Scan(_database, utf8, matches);
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

        return new Worker(scratch, _minWidths);
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
        _database?.Dispose();
    }

    /// <summary>A start and end reported by Hyperscan for one pattern.</summary>
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

    /// <summary>Appends each report (optionally of one pattern only, shifted by an offset) to a list.</summary>
    private readonly struct Collector(ReportList target, int onlyPattern, int offset) : IHyperscanMatchHandler
    {
        public bool OnMatch(uint id, ulong startOffset, ulong endOffset)
        {
            if (onlyPattern < 0 || id == (uint)onlyPattern)
            {
                target.Add(new Report((int)id, (int)startOffset + offset, (int)endOffset + offset));
            }

            return true;
        }
    }

    /// <summary>One thread's scratch and buffers for one scanner.</summary>
    private sealed class Worker(HyperscanScratch scratch, int[] minWidths) : IDisposable
    {
        private readonly ReportList _reports = new();
        private readonly ReportList _grouped = new();
        private readonly ReportList _left = new();
        private readonly ReportList _right = new();
        private readonly int[] _groupStarts = new int[minWidths.Length + 1];

        public void Scan(HyperscanDatabase database, ReadOnlySpan<byte> text, MatchBuffer<RawMatch> matches)
        {
            _reports.Count = 0;
            var collector = new Collector(_reports, -1, 0);
            database.Scan(text, scratch, ref collector);
            if (_reports.Count == 0)
            {
                return;
            }

            // Group the reports by pattern (counting sort: linear, and keeps each pattern's reports in scan order).
            var starts = _groupStarts;
            Array.Clear(starts);
            var reports = _reports.Span;
            foreach (var r in reports)
            {
                starts[r.Pattern + 1]++;
            }

            for (var p = 1; p < starts.Length; p++)
            {
                starts[p] += starts[p - 1];
            }

            _grouped.EnsureCapacity(reports.Length);
            var grouped = _grouped.Items;
            foreach (var r in reports)
            {
                grouped[starts[r.Pattern]++] = r;
            }

            // Each slot now holds its group's end; the group begins where the previous one ended.
            var from = 0;
            for (var p = 0; p < minWidths.Length; p++)
            {
                var to = starts[p];
                if (to > from)
                {
                    Reduce(database, text, p, grouped.AsSpan(from, to - from), matches);
                }

                from = to;
            }
        }

        /// <summary>Turns one pattern's reports into its canonical matches (see the class remarks).</summary>
        private void Reduce(HyperscanDatabase database, ReadOnlySpan<byte> text, int pattern, Span<Report> current, MatchBuffer<RawMatch> matches)
        {
            SortByStart(current);
            var minWidth = minWidths[pattern];
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
                // re-scan that slice for this pattern. Reports ending beyond it start at or after the position
                // (else they would straddle too) and stay as they are.
                next.Count = 0;
                foreach (var r in current[i..])
                {
                    if (r.End > furthest)
                    {
                        next.Add(r);
                    }
                }

                var collector = new Collector(next, pattern, position);
                database.Scan(text[position..furthest], scratch, ref collector);
                current = next.Span;
                SortByStart(current);
                next = next == _left ? _right : _left;
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
