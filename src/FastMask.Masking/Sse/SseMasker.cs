using System.Buffers;
using System.Text.Unicode;
using FastMask.Masking.Json;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Sse;

/// <summary>
/// Masks a <c>text/event-stream</c> body (a streamed OpenAI response) event by event, as it arrives. Each event is
/// parsed and written again; the text deltas of each choice are scanned as one logical stream, so an entity split
/// across any number of events is still masked, and a vault token split across events is still restored.
/// </summary>
/// <remarks>
/// <para>
/// Parsing follows the WHATWG event-stream rules: lines end in LF, CRLF or CR (a CR that ends one piece may be
/// followed by the LF in the next); a blank line ends an event; <c>data:</c> lines (one optional space after the
/// colon) are joined with LF; <c>event:</c>, <c>id:</c> and <c>retry:</c> are kept; comment lines and unknown fields
/// are dropped, since nothing unscanned may pass. A leading byte-order mark is skipped.
/// </para>
/// <para>
/// An event whose data is <c>[DONE]</c> passes unchanged. Any other data must be one JSON document: a streamed chunk
/// whose text fields (<c>choices[i].delta.content</c>, <c>.delta.refusal</c>, <c>.text</c> and
/// <c>.delta.tool_calls[j].function.arguments</c>) are replaced by the part of their stream that is safe to emit (see
/// <see cref="SseMaskerOptions.HoldBackBytes"/>; possibly <c>""</c>), and which then goes through
/// <see cref="JsonMasker"/> under the same context, so field rules, detection of every other string and token restore
/// apply. <c>logprobs</c> are replaced by <c>null</c>: they repeat the text token by token where no scan can see it.
/// </para>
/// <para>
/// Held text is never dropped: it goes into the chunk that carries its choice's <c>finish_reason</c> (inserted as a
/// member when that chunk has no field for it), and whatever is still held at <c>[DONE]</c> or at the end of the body
/// goes out as one extra chunk just before it (the only event that the input did not have). Otherwise every event
/// comes out once, in order, written as soon as it is decided; events without data keep their <c>id</c> and
/// <c>retry</c>.
/// </para>
/// <para>
/// Fail-closed: data that is not JSON (<see cref="MaskStatus.InvalidJson"/>), an event over
/// <see cref="SseMaskerOptions.MaxEventBytes"/> (<see cref="MaskStatus.TokenTooLarge"/>), a body that ends inside an
/// event (<see cref="MaskStatus.TruncatedDocument"/>) and every error of the JSON masker end the stream: the caller
/// cuts the response off. Events written before the error were complete and masked. Not thread-safe; one per
/// response (reusable after <see cref="Reset"/>).
/// </para>
/// </remarks>
public sealed class SseMasker : IDisposable
{
    private static ReadOnlySpan<byte> LineEnds => "\r\n"u8;

    private static ReadOnlySpan<byte> Done => "[DONE]"u8;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly MaskContext _context;
    private readonly MaskDirection _direction;
    private readonly SseMaskerOptions _options;
    private readonly ChunkRewriter _rewriter;

    private readonly PooledBufferWriter _partial = new(256);
    private readonly PooledBufferWriter _line = new(256);
    private readonly PooledBufferWriter _data = new(1024);
    private readonly PooledBufferWriter _eventType = new(256);
    private readonly PooledBufferWriter _id = new(256);
    private readonly PooledBufferWriter _retry = new(256);
    private readonly PooledBufferWriter _rewritten = new(1024);
    private readonly PooledBufferWriter _masked = new(1024);
    private readonly PooledBufferWriter _field = new(256);

    private long _position;
    private long _eventStart;
    private int _eventBytes;
    private bool _eventHasFields;
    private bool _hasData;
    private bool _hasEvent;
    private bool _hasId;
    private bool _hasRetry;
    private bool _skipLineFeed;
    private MaskError _error;

    public SseMasker(MaskContext context, MaskDirection direction)
        : this(context, direction, SseMaskerOptions.Default)
    {
    }

    public SseMasker(MaskContext context, MaskDirection direction, SseMaskerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        _direction = direction;
        _options = options;
        _rewriter = new ChunkRewriter(context, direction, options);
        _error = MaskError.NeedMoreData;
    }

    public SseMaskerOptions Options => _options;

    /// <summary>The error that ended the stream, or Ok / NeedMoreData.</summary>
    public MaskError Error => _error;

    /// <summary>Forgets the current stream (not the context's vault or counts), for the next one.</summary>
    public void Reset()
    {
        _rewriter.Reset();
        _partial.Clear();
        ResetEvent();
        _position = 0;
        _eventStart = 0;
        _skipLineFeed = false;
        _error = MaskError.NeedMoreData;
    }

    /// <summary>
    /// Consumes the complete lines of <paramref name="input"/> and writes every event that is safe to emit to
    /// <paramref name="output"/>; an unfinished line is kept inside the masker, so <paramref name="consumed"/> is
    /// always the end of the input. Returns NeedMoreData while the stream goes on, Ok after
    /// <paramref name="isFinalBlock"/> once everything was flushed, or an error (final: the caller cuts the stream off).
    /// </summary>
    public MaskError Feed(ReadOnlySequence<byte> input, bool isFinalBlock, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        consumed = input.Start;
        if (_error.Status != MaskStatus.NeedMoreData)
        {
            return _error.IsOk ? Fail(MaskStatus.InvalidJson, _position, "the stream was already complete") : _error;
        }

        var reader = new SequenceReader<byte>(input);
        if (_skipLineFeed && !reader.End)
        {
            // The previous piece ended in CR: an LF starting this one belongs to the same line ending.
            if (reader.IsNext((byte)'\n', advancePast: true))
            {
                _position++;
            }

            _skipLineFeed = false;
        }

        while (!reader.End)
        {
            if (!reader.TryReadToAny(out ReadOnlySequence<byte> line, LineEnds, advancePastDelimiter: false))
            {
                var rest = reader.UnreadSequence;
                if (_eventBytes + _partial.WrittenCount + rest.Length > _options.MaxEventBytes)
                {
                    return Fail(MaskStatus.TokenTooLarge, _position, $"an event is larger than {_options.MaxEventBytes} bytes");
                }

                Append(_partial, rest);
                reader.AdvanceToEnd();
                break;
            }

            if (_eventBytes + _partial.WrittenCount + line.Length > _options.MaxEventBytes)
            {
                return Fail(MaskStatus.TokenTooLarge, _position, $"an event is larger than {_options.MaxEventBytes} bytes");
            }

            reader.TryRead(out var terminator);
            var terminatorLength = 1;
            if (terminator == '\r')
            {
                if (reader.End)
                {
                    _skipLineFeed = true;
                }
                else if (reader.IsNext((byte)'\n', advancePast: true))
                {
                    terminatorLength = 2;
                }
            }

            ReadOnlySpan<byte> span;
            if (_partial.WrittenCount > 0)
            {
                Append(_partial, line);
                span = _partial.WrittenSpan;
            }
            else if (line.IsSingleSegment)
            {
                span = line.FirstSpan;
            }
            else
            {
                _line.Clear();
                Append(_line, line);
                span = _line.WrittenSpan;
            }

            var error = OnLine(span, output);
            _partial.Clear();
            _position += span.Length + terminatorLength;
            if (error.IsError)
            {
                return error;
            }
        }

        consumed = input.End;
        if (!isFinalBlock)
        {
            return _error;
        }

        if (_partial.WrittenCount > 0 || _eventHasFields)
        {
            return Fail(MaskStatus.TruncatedDocument, _position + _partial.WrittenCount, "the stream ends inside an event");
        }

        var flushed = FlushHeld(output);
        if (flushed.IsError)
        {
            return flushed;
        }

        _error = MaskError.Ok;
        return _error;
    }

    private MaskError OnLine(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (_position == 0 && line.StartsWith(ByteOrderMark))
        {
            line = line[ByteOrderMark.Length..];
        }

        if (line.IsEmpty)
        {
            return Dispatch(output);
        }

        if (line[0] == ':')
        {
            return MaskError.NeedMoreData;
        }

        if (!_eventHasFields)
        {
            _eventHasFields = true;
            _eventStart = _position;
        }

        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == ' ')
        {
            value = value[1..];
        }

        if (name.SequenceEqual("data"u8))
        {
            if (_hasData)
            {
                _data.Write("\n"u8);
            }

            _data.Write(value);
            _hasData = true;
        }
        else if (name.SequenceEqual("event"u8))
        {
            SetField(_eventType, value, ref _hasEvent);
        }
        else if (name.SequenceEqual("id"u8))
        {
            // WHATWG: an id holding NUL is ignored.
            if (value.IndexOf((byte)0) < 0)
            {
                SetField(_id, value, ref _hasId);
            }
        }
        else if (name.SequenceEqual("retry"u8))
        {
            // WHATWG: only ASCII digits set the reconnection time.
            if (!value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            {
                SetField(_retry, value, ref _hasRetry);
            }
        }
        else
        {
            return MaskError.NeedMoreData;
        }

        _eventBytes += line.Length + 1;
        return MaskError.NeedMoreData;
    }

    private static void SetField(PooledBufferWriter field, ReadOnlySpan<byte> value, ref bool present)
    {
        field.Clear();
        field.Write(value);
        present = true;
    }

    /// <summary>A blank line: the event is complete.</summary>
    private MaskError Dispatch(IBufferWriter<byte> output)
    {
        var error = MaskError.NeedMoreData;
        if (_data.WrittenCount > 0)
        {
            error = _data.WrittenSpan.SequenceEqual(Done) ? OnDone(output) : OnChunk(output);
        }
        else if (_hasId || _hasRetry)
        {
            // WHATWG dispatches no event without data, but the id and retry still take effect: keep them.
            error = WriteFields(output, withEventType: false);
            if (!error.IsError)
            {
                output.Write("\n"u8);
            }
        }

        ResetEvent();
        return error;
    }

    private MaskError OnDone(IBufferWriter<byte> output)
    {
        var error = FlushHeld(output);
        if (error.IsError)
        {
            return error;
        }

        error = WriteFields(output, withEventType: true);
        if (error.IsError)
        {
            return error;
        }

        WriteData(Done, output);
        return MaskError.NeedMoreData;
    }

    private MaskError OnChunk(IBufferWriter<byte> output)
    {
        _rewritten.Clear();
        var error = _rewriter.Rewrite(_data.WrittenSpan, _rewritten);
        if (error.IsError)
        {
            return Fail(error.Status, _eventStart, "event data: " + error.Reason);
        }

        _masked.Clear();
        error = JsonMasker.Mask(_context, _direction, _rewritten.WrittenMemory, _masked);
        if (error.IsError)
        {
            return Fail(error.Status, _eventStart, "event data: " + error.Reason);
        }

        error = WriteFields(output, withEventType: true);
        if (error.IsError)
        {
            return error;
        }

        WriteData(_masked.WrittenSpan, output);
        return MaskError.NeedMoreData;
    }

    /// <summary>Writes all held text as one extra chunk, before <c>[DONE]</c> or the end of the body.</summary>
    private MaskError FlushHeld(IBufferWriter<byte> output)
    {
        _rewritten.Clear();
        if (!_rewriter.TryWriteFlushChunk(_rewritten, out var error))
        {
            return MaskError.NeedMoreData;
        }

        if (error.IsError)
        {
            return Fail(error.Status, _position, error.Reason);
        }

        _masked.Clear();
        error = JsonMasker.Mask(_context, _direction, _rewritten.WrittenMemory, _masked);
        if (error.IsError)
        {
            return Fail(error.Status, _position, "held text: " + error.Reason);
        }

        WriteData(_masked.WrittenSpan, output);
        return MaskError.NeedMoreData;
    }

    /// <summary>The event's event, id and retry lines; event and id values are scanned like any text.</summary>
    private MaskError WriteFields(IBufferWriter<byte> output, bool withEventType)
    {
        if (withEventType && _hasEvent)
        {
            var error = WriteScannedField("event: "u8, _eventType.WrittenSpan, output);
            if (error.IsError)
            {
                return error;
            }
        }

        if (_hasId)
        {
            var error = WriteScannedField("id: "u8, _id.WrittenSpan, output);
            if (error.IsError)
            {
                return error;
            }
        }

        if (_hasRetry)
        {
            output.Write("retry: "u8);
            output.Write(_retry.WrittenSpan);
            output.Write("\n"u8);
        }

        return MaskError.NeedMoreData;
    }

    private MaskError WriteScannedField(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        if (!Utf8.IsValid(value))
        {
            return Fail(MaskStatus.InvalidUtf8, _eventStart, "an event or id field is not valid UTF-8");
        }

        _field.Clear();
        if (TextMasker.Mask(_context, _direction, value, _field, out var masked) != MaskStatus.Ok)
        {
            return Fail(MaskStatus.DetectorFailure, _eventStart, "the detector engine failed on an event or id field");
        }

        if (masked)
        {
            value = _field.WrittenSpan;
        }

        output.Write(prefix);
        while (true)
        {
            // A placeholder must not end the line early.
            var i = value.IndexOfAny(LineEnds);
            if (i < 0)
            {
                output.Write(value);
                break;
            }

            output.Write(value[..i]);
            output.Write(" "u8);
            value = value[(i + 1)..];
        }

        output.Write("\n"u8);
        return MaskError.NeedMoreData;
    }

    /// <summary>
    /// Writes <paramref name="data"/> as <c>data:</c> lines and the blank line that ends the event. JSON holds raw
    /// line breaks only as whitespace, so splitting there and letting the reader join with LF keeps the document.
    /// </summary>
    private static void WriteData(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (true)
        {
            output.Write("data: "u8);
            var i = data.IndexOfAny(LineEnds);
            if (i < 0)
            {
                output.Write(data);
                break;
            }

            output.Write(data[..i]);
            output.Write("\n"u8);
            var next = i + 1;
            if (data[i] == '\r' && next < data.Length && data[next] == '\n')
            {
                next++;
            }

            data = data[next..];
        }

        output.Write("\n\n"u8);
    }

    private void ResetEvent()
    {
        _data.Clear();
        _eventType.Clear();
        _id.Clear();
        _retry.Clear();
        _eventBytes = 0;
        _eventHasFields = false;
        _hasData = false;
        _hasEvent = false;
        _hasId = false;
        _hasRetry = false;
    }

    private static void Append(PooledBufferWriter buffer, in ReadOnlySequence<byte> sequence)
    {
        var length = (int)sequence.Length;
        sequence.CopyTo(buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private MaskError Fail(MaskStatus status, long offset, string reason)
    {
        _error = new MaskError(status, offset, reason);
        return _error;
    }

    public void Dispose()
    {
        _rewriter.Dispose();
        _partial.Dispose();
        _line.Dispose();
        _data.Dispose();
        _eventType.Dispose();
        _id.Dispose();
        _retry.Dispose();
        _rewritten.Dispose();
        _masked.Dispose();
        _field.Dispose();
    }
}
