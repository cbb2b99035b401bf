using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace FastMask.Masking.Detection;

/// <summary>
/// The always-available engine: one .NET <see cref="Regex"/> per pattern (source-generated for built-ins),
/// run over the text transcoded to UTF-16, spans mapped back to UTF-8 byte offsets.
/// </summary>
internal sealed class RegexScanner : IPatternScanner
{
    /// <summary>
    /// Per-match time-out for patterns built at run time (custom detectors). A pattern that backtracks
    /// catastrophically fails the scan, and the document is refused rather than forwarded unscanned.
    /// </summary>
    internal static readonly TimeSpan CustomPatternTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex[] _regexes;

    public RegexScanner(IReadOnlyList<PatternSpec> patterns)
        : this(patterns, CustomPatternTimeout)
    {
    }

    /// <summary>With another time-out for run-time patterns (tests that compare engines on long texts on a loaded machine).</summary>
    internal RegexScanner(IReadOnlyList<PatternSpec> patterns, TimeSpan customPatternTimeout)
    {
        _regexes = new Regex[patterns.Count];
        for (var i = 0; i < _regexes.Length; i++)
        {
            var p = patterns[i];
            try
            {
                _regexes[i] = p.Generated?.Invoke() ?? new Regex(p.Expression, OptionsFor(p), customPatternTimeout);
            }
            catch (ArgumentException e)
            {
                throw new PatternCompileException(i, $"pattern {i}: {e.Message}", e);
            }
        }
    }

    public DetectorEngineKind Engine => DetectorEngineKind.Regex;

    internal static RegexOptions OptionsFor(PatternSpec p) =>
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | (p.CaseInsensitive ? RegexOptions.IgnoreCase : RegexOptions.None);

    public void Scan(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> matches) => Scan(utf8, 0, matches, all: true);

    public void Scan(ReadOnlySpan<byte> utf8, ulong patterns, MatchBuffer<RawMatch> matches) =>
        Scan(utf8, patterns, matches, all: false);

    private void Scan(ReadOnlySpan<byte> utf8, ulong patterns, MatchBuffer<RawMatch> matches, bool all)
    {
        if (utf8.IsEmpty)
        {
            return;
        }

        var ascii = Ascii.IsValid(utf8);
        var rented = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, rented);
            ReadOnlySpan<char> text = rented.AsSpan(0, length);
            for (var p = 0; p < _regexes.Length; p++)
            {
                if (!all && (p >= 64 || (patterns & (1UL << p)) == 0))
                {
                    continue;
                }

                // Byte offset of the last mapped char position; matches of one regex come in increasing order.
                int charPos = 0, bytePos = 0;
                foreach (var m in _regexes[p].EnumerateMatches(text))
                {
                    if (m.Length == 0)
                    {
                        continue;
                    }

                    if (ascii)
                    {
                        matches.Add(new RawMatch(p, m.Index, m.Index + m.Length));
                        continue;
                    }

                    bytePos += Encoding.UTF8.GetByteCount(text[charPos..m.Index]);
                    var start = bytePos;
                    var end = start + Encoding.UTF8.GetByteCount(text.Slice(m.Index, m.Length));
                    charPos = m.Index + m.Length;
                    bytePos = end;
                    matches.Add(new RawMatch(p, start, end));
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    public void Dispose()
    {
    }
}
