using System.Buffers;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Json;

/// <summary>Masks whole JSON documents. For documents that arrive in pieces use <see cref="JsonMaskSession"/>.</summary>
public static class JsonMasker
{
    /// <summary>
    /// Masks <paramref name="input"/> into <paramref name="output"/> under <paramref name="context"/>'s policy.
    /// On any status but Ok the output holds a partial document and must be discarded.
    /// </summary>
    public static MaskError Mask(MaskContext context, MaskDirection direction, ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        var session = context.RentSession(direction);
        return session.Feed(input, isFinalBlock: true, output, out _);
    }

    /// <inheritdoc cref="Mask(MaskContext, MaskDirection, ReadOnlySequence{byte}, IBufferWriter{byte})"/>
    public static MaskError Mask(MaskContext context, MaskDirection direction, ReadOnlyMemory<byte> input, IBufferWriter<byte> output) =>
        Mask(context, direction, new ReadOnlySequence<byte>(input), output);
}
