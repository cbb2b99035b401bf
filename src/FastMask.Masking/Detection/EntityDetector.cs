using System.Collections.Immutable;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// Runs a policy's detector patterns over UTF-8 text and turns raw matches into entities: boundary checks,
/// validators and context keywords first, then overlapping matches resolved (the longer span wins; on equal
/// length the earlier start, then the pattern declared first). The result does not depend on the engine.
/// </summary>
public sealed class EntityDetector : IDisposable
{
    [ThreadStatic]
    private static MatchBuffer<RawMatch>? t_raw;

    [ThreadStatic]
    private static MatchBuffer<RawMatch>? t_keywords;

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
    private readonly byte[][]?[] _contextKeywords;

    private EntityDetector(DetectorDefinition[] definitions, DetectorEngineKind engine, Scanners scanners)
    {
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
        _contextKeywords = new byte[][]?[definitions.Length];
        for (var i = 0; i < definitions.Length; i++)
        {
            var keywords = definitions[i].Pattern.ContextKeywords;
            if (keywords is { Count: > 0 })
            {
                var bytes = new byte[keywords.Count][];
                for (var k = 0; k < bytes.Length; k++)
                {
                    bytes[k] = Encoding.ASCII.GetBytes(keywords[k].ToLowerInvariant());
                }

                _contextKeywords[i] = bytes;
            }
        }
    }

    /// <summary>The engine that runs the patterns (never <see cref="DetectorEngineKind.Auto"/>).</summary>
    public DetectorEngineKind Engine { get; }

    public ImmutableArray<DetectorDefinition> Definitions { get; }

    /// <summary>The widest <see cref="PatternSpec.ContextWindow"/> among patterns that need context keywords (0: none).</summary>
    internal int MaxContextWindow => _maxContextWindow;

    /// <summary>
    /// Compiles <paramref name="definitions"/> for <paramref name="engine"/> (resolved through
    /// <see cref="ScannerFactory"/>). Throws <see cref="PatternCompileException"/> naming the pattern that failed.
    /// </summary>
    public static EntityDetector Create(ImmutableArray<DetectorDefinition> definitions, DetectorEngineKind engine)
    {
        var resolved = ScannerFactory.Resolve(engine);
        if (definitions.IsDefaultOrEmpty)
        {
            return new EntityDetector([], resolved, new Scanners(null, [], null, [], null));
        }

        // Patterns that need a context keyword only run on texts that contain one of their keywords: a keyword scan
        // is a few literals, while such patterns (a 40-character key shape) can match nearly everywhere in base64.
        // The context check after the scan is unchanged, so the result is the same as scanning them always.
        var main = new List<PatternSpec>();
        var mainMap = new List<int>();
        var gated = new List<PatternSpec>();
        var gatedMap = new List<int>();
        var keywords = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Length; i++)
        {
            var pattern = definitions[i].Pattern;
            if (pattern.ContextKeywords is { Count: > 0 } context)
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

        IPatternScanner? mainScanner = null, gatedScanner = null, keywordScanner = null;
        try
        {
            mainScanner = main.Count > 0 ? CreateScanner(main, mainMap, resolved) : null;
            if (gated.Count > 0)
            {
                gatedScanner = CreateScanner(gated, gatedMap, resolved);
                keywordScanner = ScannerFactory.Create(KeywordPatterns(keywords), resolved);
            }
        }
        catch
        {
            mainScanner?.Dispose();
            gatedScanner?.Dispose();
            throw;
        }

        return new EntityDetector([.. definitions], resolved, new Scanners(mainScanner, [.. mainMap], gatedScanner, [.. gatedMap], keywordScanner));
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

    private readonly record struct Scanners(IPatternScanner? Main, int[] MainMap, IPatternScanner? Gated, int[] GatedMap, IPatternScanner? Keywords);

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
        if (_scanner is not null)
        {
            _scanner.Scan(utf8, raw);
            Remap(raw, 0, _scannerMap);
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

        var from = raw.Count;
        _gatedScanner!.Scan(utf8[start..end], raw);
        var items = raw.WritableItems;
        for (var i = from; i < items.Length; i++)
        {
            var m = items[i];
            items[i] = new RawMatch(_gatedMap[m.Pattern], m.Start + start, m.End + start);
        }
    }

    /// <summary>Scanner-local pattern indices to definition indices (declaration order decides ties).</summary>
    private static void Remap(MatchBuffer<RawMatch> raw, int from, int[] map)
    {
        var items = raw.WritableItems;
        for (var i = from; i < items.Length; i++)
        {
            var m = items[i];
            items[i] = m with { Pattern = map[m.Pattern] };
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

    private static bool HasContext(ReadOnlySpan<byte> text, int start, int window, byte[][] keywords)
    {
        var from = Math.Max(0, start - window);
        var before = text[from..start];
        foreach (var keyword in keywords)
        {
            for (var i = 0; i + keyword.Length <= before.Length; i++)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(before.Slice(i, keyword.Length), keyword))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public void Dispose()
    {
        _scanner?.Dispose();
        _gatedScanner?.Dispose();
        _keywordScanner?.Dispose();
    }
}
