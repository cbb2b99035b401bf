using System.Buffers;

namespace FastMask.Benchmarks;

/// <summary>Splits bytes into a multi-segment <see cref="ReadOnlySequence{T}"/>, the shape a PipeReader hands out.</summary>
public static class Segments
{
    /// <summary>Kestrel's pipes hand out 4 KB blocks.</summary>
    public const int DefaultSize = 4096;

    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize = DefaultSize)
    {
        if (data.Length <= segmentSize)
        {
            // Still two segments, so no input takes the single-span fast path the others cannot.
            var half = data.Length / 2;
            var a = new Segment(data.AsMemory(0, half), 0);
            var b = a.Append(data.AsMemory(half));
            return new ReadOnlySequence<byte>(a, 0, b, b.Memory.Length);
        }

        var first = new Segment(data.AsMemory(0, segmentSize), 0);
        var last = first;
        for (var at = segmentSize; at < data.Length; at += segmentSize)
        {
            last = last.Append(data.AsMemory(at, Math.Min(segmentSize, data.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
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
