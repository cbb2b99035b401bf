using System.Buffers;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Json;

/// <summary>
/// Masks a piece of free text that is not a JSON document (a URL path segment, a query parameter value) by the
/// policy's detectors and operators, as the string values of a document are masked. The text shares the call's
/// <see cref="MaskContext"/>: its statistics and its token vault, so a value tokenized in the URL and in the body gets
/// one token.
/// </summary>
public static class TextMasker
{
    /// <summary>
    /// Writes <paramref name="utf8"/> masked into <paramref name="output"/> and returns <see cref="MaskStatus.Ok"/> with
    /// <paramref name="changed"/> true; when nothing needs a change, writes nothing and sets it false. Returns
    /// <see cref="MaskStatus.DetectorFailure"/> when the detector engine failed: the text was not scanned and must not be
    /// passed on.
    /// </summary>
    public static MaskStatus Mask(MaskContext context, MaskDirection direction, ReadOnlySpan<byte> utf8, IBufferWriter<byte> output, out bool changed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        changed = false;
        try
        {
            changed = ValueMasker.MaskText(context, direction, utf8, output);
            return MaskStatus.Ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return MaskStatus.DetectorFailure;
        }
    }
}
