namespace FastMask.Masking.Json;

/// <summary>Outcome of masking a document or a piece of one. Every member but Ok and NeedMoreData refuses the document.</summary>
public enum MaskStatus
{
    /// <summary>The document is complete and fully masked.</summary>
    Ok = 0,

    /// <summary>Incremental input: everything so far is valid and masked; feed the rest.</summary>
    NeedMoreData,

    /// <summary>Not JSON: a syntax error at <see cref="MaskError.ByteOffset"/>.</summary>
    InvalidJson,

    /// <summary>A string holds bytes that are not UTF-8, or an escape that decodes to an unpaired surrogate.</summary>
    InvalidUtf8,

    /// <summary>Objects and arrays nest deeper than <see cref="Policy.MaskerLimits.MaxDepth"/>.</summary>
    DepthLimitExceeded,

    /// <summary>One string or number is longer than <see cref="Policy.MaskerLimits.MaxTokenBytes"/>.</summary>
    TokenTooLarge,

    /// <summary>The detector engine failed (a regex time-out, a native scan error): the text was not scanned.</summary>
    DetectorFailure,

    /// <summary>The input ended before the document did (or was empty).</summary>
    TruncatedDocument,
}

/// <summary>
/// The result of a masking call. <see cref="Reason"/> is fixed text plus numbers: it never quotes the document,
/// so it is safe to return to a caller or write to a log.
/// </summary>
public readonly record struct MaskError(MaskStatus Status, long ByteOffset, string Reason)
{
    public static MaskError Ok => new(MaskStatus.Ok, 0, "ok");

    public static MaskError NeedMoreData => new(MaskStatus.NeedMoreData, 0, "need more data");

    public bool IsOk => Status == MaskStatus.Ok;

    /// <summary>True for every status that refuses the document.</summary>
    public bool IsError => Status is not (MaskStatus.Ok or MaskStatus.NeedMoreData);

    public override string ToString() => $"{Status} at byte {ByteOffset}: {Reason}";
}
