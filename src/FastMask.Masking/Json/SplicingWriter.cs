using System.Buffers;

namespace FastMask.Masking.Json;

/// <summary>
/// The masker's view of its output: bytes copied unchanged from the input are remembered as one range and written
/// in a single copy when something else is written or the piece ends. An unmasked document is a run of tokens and
/// gaps, each of which would otherwise be a separate write.
/// </summary>
internal sealed class SplicingWriter : IBufferWriter<byte>
{
    private IBufferWriter<byte>? _inner;
    private ReadOnlySequence<byte> _input;
    private long _from;
    private long _to;

    /// <summary>Starts a piece: copies refer to offsets in <paramref name="input"/>.</summary>
    public void Begin(IBufferWriter<byte> inner, in ReadOnlySequence<byte> input)
    {
        _inner = inner;
        _input = input;
        _from = _to = 0;
    }

    /// <summary>Writes what is pending and lets go of the piece.</summary>
    public void End()
    {
        Flush();
        _inner = null;
        _input = default;
    }

    /// <summary>Copies <c>input[from..to)</c> to the output, after everything written so far.</summary>
    public void CopyInput(long from, long to)
    {
        if (to <= from)
        {
            return;
        }

        if (from == _to && _to > _from)
        {
            _to = to;
            return;
        }

        Flush();
        _from = from;
        _to = to;
    }

    public void Advance(int count) => _inner!.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Flush();
        return _inner!.GetMemory(sizeHint);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Flush();
        return _inner!.GetSpan(sizeHint);
    }

    private void Flush()
    {
        if (_to <= _from)
        {
            return;
        }

        var (from, to) = (_from, _to);
        _from = _to = 0;
        if (_input.IsSingleSegment)
        {
            _inner!.Write(_input.FirstSpan[(int)from..(int)to]);
            return;
        }

        foreach (var segment in _input.Slice(from, to - from))
        {
            _inner!.Write(segment.Span);
        }
    }
}
