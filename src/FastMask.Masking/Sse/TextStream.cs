using System.Buffers;

namespace FastMask.Masking.Sse;

/// <summary>Which streamed text field of a chunk a <see cref="TextStream"/> carries.</summary>
internal enum StreamField : byte
{
    /// <summary><c>choices[i].delta.content</c></summary>
    Content,

    /// <summary><c>choices[i].delta.refusal</c></summary>
    Refusal,

    /// <summary><c>choices[i].text</c> (legacy completions)</summary>
    Text,

    /// <summary><c>choices[i].delta.tool_calls[j].function.arguments</c></summary>
    Arguments,
}

/// <summary>
/// One logical text stream of a streamed response (a choice's content, refusal or legacy text, or one tool call's
/// arguments): the decoded text not yet emitted (pending), preceded by a little text that was (context), which the
/// detector needs for left boundaries and context keywords. Buffers are rented and kept across events.
/// </summary>
internal sealed class TextStream : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(512);
    private int _length;

    public int Choice { get; private set; }

    public StreamField Field { get; private set; }

    /// <summary>The tool call's index for <see cref="StreamField.Arguments"/>, else 0.</summary>
    public int Tool { get; private set; }

    /// <summary>The current event has this stream's field (so a flush goes there, not into an inserted member).</summary>
    public bool InEvent { get; set; }

    /// <summary>Bytes at the start of <see cref="Text"/> that were already emitted.</summary>
    public int ContextLength { get; private set; }

    public int PendingLength => _length - ContextLength;

    /// <summary>Context followed by pending text.</summary>
    public ReadOnlySpan<byte> Text => _buffer.AsSpan(0, _length);

    public void Init(int choice, StreamField field, int tool)
    {
        Choice = choice;
        Field = field;
        Tool = tool;
        InEvent = false;
        ContextLength = 0;
        _length = 0;
    }

    public bool Is(int choice, StreamField field, int tool) => Choice == choice && Field == field && Tool == tool;

    public void Append(ReadOnlySpan<byte> text)
    {
        if (_buffer.Length - _length < text.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + text.Length));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>
    /// Marks the first <paramref name="count"/> pending bytes emitted, keeping at most <paramref name="keepContext"/>
    /// bytes of what was emitted (starting on a character boundary) as context for the next scan.
    /// </summary>
    public void Consume(int count, int keepContext)
    {
        var emittedEnd = ContextLength + count;
        var from = Math.Max(0, emittedEnd - keepContext);
        while (from < emittedEnd && (_buffer[from] & 0xC0) == 0x80)
        {
            from++;
        }

        if (from > 0)
        {
            _buffer.AsSpan(from, _length - from).CopyTo(_buffer);
            _length -= from;
        }

        ContextLength = emittedEnd - from;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
