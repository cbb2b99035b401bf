namespace FastMask.Masking.Detection;

/// <summary>
/// Runs a fixed, compiled set of patterns over UTF-8 text. Implementations are thread-safe: one
/// instance serves all threads (per-thread state such as Hyperscan scratch space is kept inside).
/// </summary>
/// <remarks>
/// Canonical match semantics, which every engine must produce exactly (the differential tests hold them
/// to it): for each pattern independently, scanning left to right from position 0, the next match is the
/// one with the leftmost start at or after the current position and, for that start, the longest end; the
/// scan then continues at that end. Matches of different patterns may overlap; resolving overlaps,
/// boundaries and validation happens after the scan in <see cref="EntityDetector"/>.
/// </remarks>
public interface IPatternScanner : IDisposable
{
    DetectorEngineKind Engine { get; }

    /// <summary>Appends every match in <paramref name="utf8"/> to <paramref name="matches"/> (not cleared first).</summary>
    void Scan(ReadOnlySpan<byte> utf8, MatchBuffer<RawMatch> matches);

    /// <summary>
    /// As <see cref="Scan(ReadOnlySpan{byte}, MatchBuffer{RawMatch})"/>, for only the patterns whose bits are set in
    /// <paramref name="patterns"/> (bit <c>i</c>: pattern <c>i</c>; the scanner has at most 64 patterns).
    /// </summary>
    void Scan(ReadOnlySpan<byte> utf8, ulong patterns, MatchBuffer<RawMatch> matches);
}
