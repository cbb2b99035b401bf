using System.Buffers;
using System.Text;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Tests;

/// <summary>Builds multi-segment sequences and feeds documents piece by piece, as a PipeReader would.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        if (parts.Length == 1)
        {
            return new ReadOnlySequence<byte>(parts[0]);
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.AsSpan(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var parts = new List<byte[]>();
        var from = 0;
        foreach (var cut in cuts)
        {
            parts.Add(data[from..cut]);
            from = cut;
        }

        parts.Add(data[from..]);
        return Create([.. parts]);
    }

    /// <summary>Masks a whole document in one call.</summary>
    public static (MaskError Result, string Output) MaskWhole(MaskContext context, MaskDirection direction, ReadOnlySequence<byte> input)
    {
        var output = new ArrayBufferWriter<byte>();
        var result = JsonMasker.Mask(context, direction, input, output);
        return (result, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    /// <summary>
    /// Feeds <paramref name="data"/> in pieces cut at <paramref name="cuts"/>; unconsumed bytes are kept and
    /// prepended to the next piece, exactly as a PipeReader hands them back.
    /// </summary>
    public static (MaskError Result, string Output) MaskIncremental(MaskContext context, MaskDirection direction, byte[] data, params int[] cuts)
    {
        using var session = new JsonMaskSession(context, direction);
        var output = new ArrayBufferWriter<byte>();
        var pending = Array.Empty<byte>();
        var from = 0;
        MaskError result = default;
        foreach (var cut in cuts.Append(data.Length).Distinct())
        {
            var piece = data[from..cut];
            from = cut;
            var buffer = Create(pending, piece);
            var isFinal = cut == data.Length;
            result = session.Feed(buffer, isFinal, output, out var consumed);
            if (result.IsError)
            {
                return (result, Encoding.UTF8.GetString(output.WrittenSpan));
            }

            pending = buffer.Slice(consumed).ToArray();
        }

        return (result, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
