namespace FastMask.Hyperscan;

/// <summary>Receives the matches of <see cref="HyperscanDatabase.Scan{THandler}"/>.</summary>
/// <remarks>
/// Implement it on a struct so that the call from the native callback is direct. It runs inside the native scan:
/// keep it cheap and do not scan again with the same scratch from within it.
/// </remarks>
public interface IHyperscanMatchHandler
{
    /// <summary>
    /// One match of expression <paramref name="id"/> ending at byte offset <paramref name="endOffset"/> (exclusive); with
    /// <see cref="HyperscanFlags.SomLeftmost"/>, <paramref name="startOffset"/> is the leftmost start of a match ending
    /// there, otherwise 0. Returns false to stop the scan.
    /// </summary>
    bool OnMatch(uint id, ulong startOffset, ulong endOffset);
}
