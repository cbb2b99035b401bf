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

    private readonly IPatternScanner? _scanner;
    private readonly DetectorDefinition[] _definitions;
    private readonly byte[][]?[] _contextKeywords;

    private EntityDetector(IPatternScanner? scanner, DetectorDefinition[] definitions, DetectorEngineKind engine)
    {
        _scanner = scanner;
        _definitions = definitions;
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

    public ImmutableArray<DetectorDefinition> Definitions => ImmutableArray.Create(_definitions);

    /// <summary>
    /// Compiles <paramref name="definitions"/> for <paramref name="engine"/> (resolved through
    /// <see cref="ScannerFactory"/>). Throws <see cref="PatternCompileException"/> naming the pattern that failed.
    /// </summary>
    public static EntityDetector Create(ImmutableArray<DetectorDefinition> definitions, DetectorEngineKind engine)
    {
        var resolved = ScannerFactory.Resolve(engine);
        if (definitions.IsDefaultOrEmpty)
        {
            return new EntityDetector(null, [], resolved);
        }

        var patterns = new PatternSpec[definitions.Length];
        for (var i = 0; i < patterns.Length; i++)
        {
            patterns[i] = definitions[i].Pattern;
        }

        var scanner = ScannerFactory.Create(patterns, resolved);
        return new EntityDetector(scanner, [.. definitions], scanner.Engine);
    }

    /// <summary>
    /// Clears <paramref name="results"/> and fills it with the entities in <paramref name="utf8"/>, sorted by
    /// start, never overlapping. May throw when the engine fails (a regex time-out, a native error): callers
    /// treat that as a detector failure and refuse the document.
    /// </summary>
    public void Detect(ReadOnlySpan<byte> utf8, MatchBuffer<EntityMatch> results)
    {
        results.Clear();
        if (_scanner is null || utf8.IsEmpty)
        {
            return;
        }

        var raw = t_raw ??= new MatchBuffer<RawMatch>(32);
        raw.Clear();
        _scanner.Scan(utf8, raw);
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

    public void Dispose() => _scanner?.Dispose();
}
