using System.Collections.Immutable;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// Runs a policy's detector patterns over UTF-8 text and turns raw matches into entities: boundary checks,
/// validators and context keywords first, then overlapping matches resolved (the longer span wins; on equal
/// length the earlier start, then the pattern declared first). The result does not depend on the engine.
/// </summary>
/// <remarks>
/// Patterns with an anchor (<see cref="PatternShape"/>) are looked for only in the windows an <see cref="AnchorPlan"/>
/// finds around their anchors, by compiled automata (<see cref="PatternDfa"/>) where they have one and by the engine
/// otherwise; the engine runs the remaining patterns over the whole text or, for context-gated ones, over the regions
/// after their keywords. Every route yields the matches a scan of the whole text would.
/// </remarks>
public sealed class EntityDetector : IDisposable
{
    [ThreadStatic]
    private static MatchBuffer<RawMatch>? t_raw;

    [ThreadStatic]
    private static MatchBuffer<RawMatch>? t_keywords;

    [ThreadStatic]
    private static ScanWindows? t_windows;

    [ThreadStatic]
    private static int[]? t_planState;

    private readonly IPatternScanner? _plannedScanner;
    private readonly int[] _plannedMap;
    private readonly AnchorPlan? _plan;
    private readonly PatternDfa[] _dfas;
    private readonly ulong _dfaMask;
    private readonly IPatternScanner? _scanner;
    private readonly int[] _scannerMap;
    private readonly IPatternScanner? _gatedScanner;
    private readonly int[] _gatedMap;
    private readonly IPatternScanner? _keywordScanner;
    private readonly int _maxContextWindow;

    /// <summary>
    /// Longest match a context-gated pattern is looked for, in bytes past the end of its context window. Such
    /// patterns are short shapes (a bare SSN, a routing number, a date, a 40-character key); a longer match is cut
    /// at this length and then fails its boundary check.
    /// </summary>
    internal const int MaxGatedMatchBytes = 256;
    private readonly DetectorDefinition[] _definitions;
    private readonly KeywordFinder?[] _contextKeywords;

    private EntityDetector(DetectorDefinition[] definitions, DetectorEngineKind engine, Scanners scanners)
    {
        _plannedScanner = scanners.Planned;
        _plannedMap = scanners.PlannedMap;
        _plan = scanners.Plan;
        _dfas = scanners.Dfas;
        foreach (var dfa in _dfas)
        {
            _dfaMask |= dfa.Patterns;
        }

        _scanner = scanners.Main;
        _scannerMap = scanners.MainMap;
        _gatedScanner = scanners.Gated;
        _gatedMap = scanners.GatedMap;
        _keywordScanner = scanners.Keywords;
        _definitions = definitions;
        Definitions = ImmutableArray.Create(definitions);
        foreach (var d in definitions)
        {
            if (d.Pattern.ContextKeywords is { Count: > 0 })
            {
                _maxContextWindow = Math.Max(_maxContextWindow, d.Pattern.ContextWindow);
            }
        }

        Engine = engine;
        _contextKeywords = new KeywordFinder?[definitions.Length];
        for (var i = 0; i < definitions.Length; i++)
        {
            if (definitions[i].Pattern.ContextKeywords is { Count: > 0 } keywords)
            {
                _contextKeywords[i] = KeywordFinder.Create(keywords, wholeWords: true);
            }
        }
    }

    /// <summary>The engine that runs the patterns (never <see cref="DetectorEngineKind.Auto"/>).</summary>
    public DetectorEngineKind Engine { get; }

    public ImmutableArray<DetectorDefinition> Definitions { get; }

    /// <summary>
    /// Where text that may still grow into a match starts: the earliest run of a literal-anchored token pattern's
    /// alphabet (a JWT, a key with its prefix) that holds its literal and reaches the end of
    /// <paramref name="utf8"/>; <see cref="int.MaxValue"/> when there is none. A streaming caller holds such text back
    /// rather than emit the start of a token whose match needs its end.
    /// </summary>
    internal int OpenRunStart(ReadOnlySpan<byte> utf8) => _plan?.OpenRunStart(utf8) ?? int.MaxValue;

    /// <summary>The widest <see cref="PatternSpec.ContextWindow"/> among patterns that need context keywords (0: none).</summary>
    internal int MaxContextWindow => _maxContextWindow;

    /// <summary>
    /// Compiles <paramref name="definitions"/> for <paramref name="engine"/> (resolved through
    /// <see cref="ScannerFactory"/>). Throws <see cref="PatternCompileException"/> naming the pattern that failed.
    /// </summary>
    public static EntityDetector Create(ImmutableArray<DetectorDefinition> definitions, DetectorEngineKind engine) =>
        Create(definitions, engine, planned: true);

    /// <summary>
    /// As <see cref="Create(ImmutableArray{DetectorDefinition}, DetectorEngineKind)"/>; with <paramref name="planned"/>
    /// false every pattern runs over the whole text (or its keyword regions): the result the tests hold the windowed
    /// scan to.
    /// </summary>
    internal static EntityDetector Create(ImmutableArray<DetectorDefinition> definitions, DetectorEngineKind engine, bool planned)
    {
        var resolved = ScannerFactory.Resolve(engine);
        if (definitions.IsDefaultOrEmpty)
        {
            return new EntityDetector([], resolved, new Scanners(null, [], null, [], null, [], null, [], null));
        }

        // Three ways to reach a pattern's matches, cheapest first. Patterns with an anchor (see AnchorPlan) run only in
        // the windows around their anchors. Patterns that need a context keyword run only on the regions after one: a
        // keyword scan is a few literals, while such patterns (a 40-character key shape) can match nearly everywhere in
        // base64. The rest run over the whole text. The checks after the scan are the same for all three, so the result
        // is the same as scanning every pattern over the whole text.
        var plannedPatterns = new List<PatternSpec>();
        var plannedMap = new List<int>();
        var shapes = new List<PatternShape>();
        var main = new List<PatternSpec>();
        var mainMap = new List<int>();
        var gated = new List<PatternSpec>();
        var gatedMap = new List<int>();
        var keywords = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Length; i++)
        {
            var pattern = definitions[i].Pattern;
            var shape = planned && plannedPatterns.Count < AnchorPlan.MaxPatterns
                ? PatternShape.TryAnalyze(pattern.Expression, pattern.CaseInsensitive)
                : null;
            if (AnchorPlan.CanPlan(shape))
            {
                plannedPatterns.Add(pattern);
                plannedMap.Add(i);
                shapes.Add(shape!);
            }
            else if (pattern.ContextKeywords is { Count: > 0 } context)
            {
                gated.Add(pattern);
                gatedMap.Add(i);
                foreach (var keyword in context)
                {
                    keywords.Add(keyword.ToLowerInvariant());
                }
            }
            else
            {
                main.Add(pattern);
                mainMap.Add(i);
            }
        }

        IPatternScanner? plannedScanner = null, mainScanner = null, gatedScanner = null, keywordScanner = null;
        try
        {
            plannedScanner = plannedPatterns.Count > 0 ? CreateScanner(plannedPatterns, plannedMap, resolved) : null;
            mainScanner = main.Count > 0 ? CreateScanner(main, mainMap, resolved) : null;
            if (gated.Count > 0)
            {
                gatedScanner = CreateScanner(gated, gatedMap, resolved);
                keywordScanner = ScannerFactory.Create(KeywordPatterns(keywords), resolved);
            }
        }
        catch
        {
            plannedScanner?.Dispose();
            mainScanner?.Dispose();
            gatedScanner?.Dispose();
            throw;
        }

        var plan = shapes.Count > 0 ? AnchorPlan.Create(shapes, [.. plannedPatterns.Select(static p => p.ContextKeywords)]) : null;
        var dfas = plan is not null ? BuildAutomata(plan, shapes) : [];

        return new EntityDetector(
            [.. definitions],
            resolved,
            new Scanners(plannedScanner, [.. plannedMap], plan, dfas, mainScanner, [.. mainMap], gatedScanner, [.. gatedMap], keywordScanner));
    }

    /// <summary>
    /// One automaton per anchor group of the plan (its patterns are looked for in the same windows), or one per pattern
    /// when the group's would be too large; patterns without one are left to the engine.
    /// </summary>
    private static PatternDfa[] BuildAutomata(AnchorPlan plan, List<PatternShape> shapes)
    {
        var automata = new List<PatternDfa>();
        foreach (var group in plan.Groups)
        {
            var members = new List<(PatternTree, int)>();
            for (var rest = group; rest != 0; rest &= rest - 1)
            {
                var p = System.Numerics.BitOperations.TrailingZeroCount(rest);
                if (shapes[p].Tree is { } tree)
                {
                    members.Add((tree, p));
                }
            }

            if (members.Count == 0)
            {
                continue;
            }

            if (PatternDfa.TryBuild(members) is { } combined)
            {
                automata.Add(combined);
                continue;
            }

            foreach (var member in members)
            {
                if (PatternDfa.TryBuild([member]) is { } single)
                {
                    automata.Add(single);
                }
            }
        }

        return [.. automata];
    }

    private static IPatternScanner CreateScanner(List<PatternSpec> patterns, List<int> map, DetectorEngineKind engine)
    {
        try
        {
            return ScannerFactory.Create(patterns, engine);
        }
        catch (PatternCompileException e) when (e.PatternIndex >= 0)
        {
            // Report the definition's index, not the scanner-local one.
            throw new PatternCompileException(map[e.PatternIndex], e.Message, e);
        }
    }

    /// <summary>Each keyword as a case-insensitive literal: letters and digits as they are, anything else as <c>\xHH</c>.</summary>
    private static List<PatternSpec> KeywordPatterns(SortedSet<string> keywords)
    {
        var patterns = new List<PatternSpec>(keywords.Count);
        foreach (var keyword in keywords)
        {
            var expression = new StringBuilder(keyword.Length * 2);
            foreach (var c in keyword)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    expression.Append(c);
                }
                else
                {
                    expression.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                }
            }

            patterns.Add(new PatternSpec(expression.ToString()) { CaseInsensitive = true });
        }

        return patterns;
    }

    private readonly record struct Scanners(
        IPatternScanner? Planned,
        int[] PlannedMap,
        AnchorPlan? Plan,
        PatternDfa[] Dfas,
        IPatternScanner? Main,
        int[] MainMap,
        IPatternScanner? Gated,
        int[] GatedMap,
        IPatternScanner? Keywords);

    /// <summary>
    /// Clears <paramref name="results"/> and fills it with the entities in <paramref name="utf8"/>, sorted by
    /// start, never overlapping. May throw when the engine fails (a regex time-out, a native error): callers
    /// treat that as a detector failure and refuse the document.
    /// </summary>
    public void Detect(ReadOnlySpan<byte> utf8, MatchBuffer<EntityMatch> results)
    {
        results.Clear();
        if (utf8.IsEmpty || _definitions.Length == 0)
        {
            return;
        }

        var raw = t_raw ??= new MatchBuffer<RawMatch>(32);
        raw.Clear();
        if (_plannedScanner is not null)
        {
            ScanWindows(utf8, raw);
        }

        if (_scanner is not null)
        {
            var from = raw.Count;
            _scanner.Scan(utf8, raw);
            Remap(raw, from, _scannerMap);
        }

        if (_gatedScanner is not null)
        {
            ScanNearKeywords(utf8, raw);
        }

        if (raw.Count == 0)
        {
            return;
        }

        // Keep what passes its checks, in place.
        var items = raw.WritableItems;
        var kept = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var m = items[i];
            if (m.End > m.Start && Accept(utf8, m))
            {
                items[kept++] = m;
            }
        }

        if (kept == 0)
        {
            return;
        }

        var candidates = items[..kept];
        candidates.Sort(static (a, b) =>
        {
            var c = a.Start.CompareTo(b.Start);
            if (c != 0)
            {
                return c;
            }

            c = b.Length.CompareTo(a.Length);
            return c != 0 ? c : a.Pattern.CompareTo(b.Pattern);
        });

        // Sweep left to right; a later candidate that overlaps the last kept one replaces it only when longer.
        var last = candidates[0];
        for (var i = 1; i < candidates.Length; i++)
        {
            var c = candidates[i];
            if (c.Start < last.End)
            {
                if (c.Length > last.Length)
                {
                    last = c;
                }

                continue;
            }

            results.Add(new EntityMatch(_definitions[last.Pattern].Entity, last.Start, last.End));
            last = c;
        }

        results.Add(new EntityMatch(_definitions[last.Pattern].Entity, last.Start, last.End));
    }

    /// <summary>
    /// Runs the planned patterns over the windows their anchors leave (see <see cref="AnchorPlan"/>), or over the
    /// whole text when the windows cover most of it anyway.
    /// </summary>
    private void ScanWindows(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> raw)
    {
        var windows = t_windows ??= new ScanWindows();
        var state = t_planState ??= new int[AnchorPlan.MaxPatterns];

        _plan!.FindWindows(utf8, windows, state);
        if (windows.Count == 0)
        {
            return;
        }

        if (windows.Count > 1 && windows.CoveredBytes >= utf8.Length - (utf8.Length >> 2) && _dfas.Length == 0)
        {
            var from = raw.Count;
            _plannedScanner!.Scan(utf8, raw);
            Remap(raw, from, _plannedMap);
            return;
        }

        for (var w = 0; w < windows.Count; w++)
        {
            var (start, end, patterns) = windows[w];
            var window = utf8[start..end];
            var from = raw.Count;
            var engine = patterns & ~_dfaMask;
            foreach (var dfa in _dfas)
            {
                if ((dfa.Patterns & patterns) != 0 && !dfa.TryScan(window, patterns, raw))
                {
                    engine |= dfa.Patterns & patterns;
                }
            }

            if (engine != 0)
            {
                _plannedScanner!.Scan(window, engine, raw);
            }

            Remap(raw, from, _plannedMap, start);
        }
    }

    /// <summary>
    /// Runs the context-gated patterns only where their context check can pass: a match counts when a keyword ends
    /// before it and starts at most <see cref="PatternSpec.ContextWindow"/> bytes before it, so each keyword opens a
    /// region from its end to its start plus the window plus <see cref="MaxGatedMatchBytes"/>. Regions that touch are
    /// merged and scanned as slices; spans are shifted back to offsets in the whole text, where boundaries and
    /// context are checked as for every other match.
    /// </summary>
    private void ScanNearKeywords(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> raw)
    {
        var hits = t_keywords ??= new MatchBuffer<RawMatch>(8);
        hits.Clear();
        _keywordScanner!.Scan(utf8, hits);
        if (hits.Count == 0)
        {
            return;
        }

        var keywords = hits.WritableItems;
        keywords.Sort(static (a, b) => a.End.CompareTo(b.End));
        int regionStart = -1, regionEnd = -1;
        foreach (var k in keywords)
        {
            var start = k.End;
            var end = (int)Math.Min(utf8.Length, (long)k.Start + _maxContextWindow + MaxGatedMatchBytes);
            if (start >= end)
            {
                continue;
            }

            if (regionEnd >= start)
            {
                regionEnd = Math.Max(regionEnd, end);
                continue;
            }

            ScanRegion(utf8, regionStart, regionEnd, raw);
            regionStart = start;
            regionEnd = end;
        }

        ScanRegion(utf8, regionStart, regionEnd, raw);
    }

    private void ScanRegion(ReadOnlySpan<byte> utf8, int start, int end, MatchBuffer<RawMatch> raw)
    {
        if (start < 0 || end <= start)
        {
            return;
        }

        // Keyword hits end on character boundaries, but a region's far end may cut a multi-byte character.
        while (end < utf8.Length && (utf8[end] & 0xC0) == 0x80)
        {
            end++;
        }

        ScanSlice(_gatedScanner!, _gatedMap, utf8, start, end, raw);
    }

    /// <summary>Scans <c>utf8[start..end]</c>; spans are shifted back to offsets in the whole text and remapped.</summary>
    private static void ScanSlice(IPatternScanner scanner, int[] map, ReadOnlySpan<byte> utf8, int start, int end, MatchBuffer<RawMatch> raw)
    {
        var from = raw.Count;
        scanner.Scan(utf8[start..end], raw);
        Remap(raw, from, map, start);
    }

    /// <summary>
    /// Scanner-local pattern indices to definition indices (declaration order decides ties), and offsets in a slice
    /// starting at <paramref name="shift"/> to offsets in the whole text.
    /// </summary>
    private static void Remap(MatchBuffer<RawMatch> raw, int from, int[] map, int shift = 0)
    {
        var items = raw.WritableItems;
        for (var i = from; i < items.Length; i++)
        {
            var m = items[i];
            items[i] = new RawMatch(map[m.Pattern], m.Start + shift, m.End + shift);
        }
    }

    private bool Accept(ReadOnlySpan<byte> text, RawMatch m)
    {
        var spec = _definitions[m.Pattern].Pattern;
        if (spec.LeftBoundary != BoundaryClass.None && m.Start > 0 && InClass(text[m.Start - 1], spec.LeftBoundary))
        {
            return false;
        }

        if (spec.RightBoundary != BoundaryClass.None && m.End < text.Length && InClass(text[m.End], spec.RightBoundary))
        {
            return false;
        }

        var keywords = _contextKeywords[m.Pattern];
        if (keywords is not null && !HasContext(text, m.Start, spec.ContextWindow, keywords))
        {
            return false;
        }

        return spec.Validator == ValidatorKind.None || MatchValidators.IsValid(spec.Validator, text[m.Start..m.End]);
    }

    private static bool InClass(byte b, BoundaryClass boundary)
    {
        var digit = (uint)(b - '0') <= 9;
        var letter = (uint)((b | 0x20) - 'a') <= 'z' - 'a';
        return boundary switch
        {
            BoundaryClass.Digit => digit,
            BoundaryClass.AlphaNumeric => digit || letter,
            BoundaryClass.Word => digit || letter || b == '_',
            BoundaryClass.Token => digit || letter || b == '_' || b == '-',
            _ => false,
        };
    }

    /// <summary>
    /// Whether a keyword stands wholly within the <paramref name="window"/> bytes before <paramref name="start"/>, as a
    /// word of its own.
    /// </summary>
    private static bool HasContext(ReadOnlySpan<byte> text, int start, int window, KeywordFinder keywords) =>
        keywords.ContainsAny(text, Math.Max(0, start - window), start);

    public void Dispose()
    {
        _plannedScanner?.Dispose();
        _scanner?.Dispose();
        _gatedScanner?.Dispose();
        _keywordScanner?.Dispose();
    }
}
