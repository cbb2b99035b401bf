using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Sse;

/// <summary>
/// Rewrites the JSON of one streamed chunk: each streamed text field is replaced by the part of its stream that is
/// safe to emit (masked), text held back for a choice that finishes is inserted into that chunk, and
/// <c>logprobs</c> are dropped. The result still goes through the JSON masker for field rules, detection of every
/// other string and token restore.
/// </summary>
/// <remarks>
/// <para>
/// Two passes over the chunk, which is whole in memory: the first validates it and records where the text fields,
/// the choices and their <c>delta</c> and <c>tool_calls</c> containers are (their <c>index</c> members may come after
/// the text, so keys are resolved only when the pass is done); the second copies the chunk with those edits.
/// </para>
/// <para>
/// Hold-back: after a delta is appended, the stream (context + pending) is scanned and the pending text is emitted
/// up to a cut: <see cref="SseMaskerOptions.HoldBackBytes"/> from its end, moved back to the start of a match that
/// crosses it, or to a character boundary. Matches before the cut are replaced here, with the context that the JSON masker,
/// seeing only the emitted piece, would lack (a keyword before an AWS secret); the JSON masker scans the emitted
/// piece again and restores tokens last, so a restored value is never scanned a second time.
/// </para>
/// <para>
/// <c>logprobs</c> carry the text again token by token (strings and raw byte arrays), split where no scan can see an
/// entity whole; they are replaced by <c>null</c>, failing closed.
/// </para>
/// </remarks>
internal sealed class ChunkRewriter : IDisposable
{
    private readonly MaskContext _context;
    private readonly MaskDirection _direction;
    private readonly SseMaskerOptions _options;
    private readonly EntityDetector _detector;
    private readonly int _maxDepth;
    private readonly int _contextBytes;

    private readonly MatchBuffer<EntityMatch> _matches = new(16);
    private readonly MatchBuffer<EntityMatch> _applied = new(16);
    private readonly MatchBuffer<ChoiceInfo> _choices = new(4);
    private readonly MatchBuffer<ToolInfo> _tools = new(4);
    private readonly MatchBuffer<FieldInfo> _fields = new(4);
    private readonly MatchBuffer<Edit> _edits = new(8);
    private readonly MatchBuffer<TemplateMember> _template = new(4);
    private readonly List<TextStream> _streams = [];
    private readonly Stack<TextStream> _free = new();
    private readonly PooledBufferWriter _fieldText = new(512);
    private readonly PooledBufferWriter _emitted = new(512);
    private readonly PooledBufferWriter _flushTemplate = new(256);

    private readonly Node[] _node;
    private readonly Prop[] _prop;
    private readonly int[] _slot;
    private readonly int[] _position;
    private int _nameStart;
    private int _nameEnd;

    public ChunkRewriter(MaskContext context, MaskDirection direction, SseMaskerOptions options)
    {
        _context = context;
        _direction = direction;
        _options = options;
        _detector = context.Policy.Detector;
        _maxDepth = context.Policy.Limits.MaxDepth;
        _node = new Node[_maxDepth + 2];
        _prop = new Prop[_maxDepth + 2];
        _slot = new int[_maxDepth + 2];
        _position = new int[_maxDepth + 2];

        // Keep enough emitted text for the widest keyword window, and at least a little for word boundaries.
        var contextBytes = Math.Max(64, _detector.MaxContextWindow);

        _contextBytes = contextBytes;
    }

    /// <summary>Whether any stream holds text not yet emitted.</summary>
    public bool HasHeldText
    {
        get
        {
            foreach (var stream in _streams)
            {
                if (stream.PendingLength > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Reset()
    {
        foreach (var stream in _streams)
        {
            _free.Push(stream);
        }

        _streams.Clear();
        _flushTemplate.Clear();
    }

    /// <summary>
    /// Writes <paramref name="json"/> (one chunk) with its streamed text fields replaced to <paramref name="output"/>.
    /// On an error the output is incomplete and must be discarded.
    /// </summary>
    public MaskError Rewrite(ReadOnlySpan<byte> json, PooledBufferWriter output)
    {
        var error = Scan(json);
        if (error.IsError)
        {
            return error;
        }

        try
        {
            for (var i = 0; i < _fields.Count; i++)
            {
                ref var field = ref _fields[i];
                var choice = _choices[field.Choice].Index;
                var tool = field.Tool >= 0 ? _tools[field.Tool].Index : 0;
                var stream = FindOrOpen(choice, field.Field, tool);
                if (stream is null)
                {
                    return new MaskError(MaskStatus.TokenTooLarge, 0, $"the response opens more than {_options.MaxTextStreams} text streams");
                }

                stream.InEvent = true;
                field.Stream = stream;
            }

            return Write(json, output);
        }
        finally
        {
            for (var i = 0; i < _fields.Count; i++)
            {
                ref var field = ref _fields[i];
                if (field.Stream is not null)
                {
                    field.Stream.InEvent = false;
                    field.Stream = null;
                }
            }
        }
    }

    /// <summary>
    /// Writes a chunk that carries all held text (each stream emitted to its end) to <paramref name="output"/>, or
    /// writes nothing and returns false when no text is held.
    /// </summary>
    public bool TryWriteFlushChunk(PooledBufferWriter output, out MaskError error)
    {
        error = MaskError.Ok;
        if (!HasHeldText)
        {
            return false;
        }

        output.Write("{"u8);
        output.Write(_flushTemplate.WrittenSpan);
        output.Write("\"choices\":["u8);
        var anyChoice = false;
        for (var i = 0; i < _streams.Count; i++)
        {
            var choice = _streams[i].Choice;
            // Writing a choice empties all its streams, so each choice is written once.
            if (_streams[i].PendingLength == 0)
            {
                continue;
            }

            if (anyChoice)
            {
                output.Write(","u8);
            }

            anyChoice = true;
            output.Write("{\"index\":"u8);
            WriteInt(choice, output);
            var status = WriteHeldMembers(choice, FieldSet.Text, output, leadingComma: true, out _);
            if (status == MaskStatus.Ok && HasHeld(choice, FieldSet.Delta))
            {
                output.Write(",\"delta\":{"u8);
                status = WriteHeldMembers(choice, FieldSet.Delta, output, leadingComma: false, out _);
                output.Write("}"u8);
            }

            if (status != MaskStatus.Ok)
            {
                error = new MaskError(status, 0, "the detector engine failed on streamed text");
                return true;
            }

            output.Write(",\"finish_reason\":null}"u8);
        }

        output.Write("]}"u8);
        return true;
    }

    private TextStream? FindOrOpen(int choice, StreamField field, int tool)
    {
        foreach (var stream in _streams)
        {
            if (stream.Is(choice, field, tool))
            {
                return stream;
            }
        }

        if (_streams.Count >= _options.MaxTextStreams)
        {
            return null;
        }

        var opened = _free.Count > 0 ? _free.Pop() : new TextStream();
        opened.Init(choice, field, tool);
        _streams.Add(opened);
        return opened;
    }

    // ---- Pass 1: validate the chunk and find what to edit -------------------------------------------------------

    private MaskError Scan(ReadOnlySpan<byte> json)
    {
        _choices.Clear();
        _tools.Clear();
        _fields.Clear();
        _edits.Clear();
        _template.Clear();
        _fieldText.Clear();
        var hasChoices = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            // One above our own limit: the depth is reported with its own status.
            MaxDepth = _maxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
        });
        try
        {
            while (reader.Read())
            {
                var type = reader.TokenType;
                var depth = reader.CurrentDepth;
                if (type == JsonTokenType.PropertyName)
                {
                    var level = depth - 1;
                    _prop[level] = Identify(_node[level], ref reader);
                    if (level == 0)
                    {
                        // The name with its quotes; BytesConsumed would include the colon.
                        _nameStart = (int)reader.TokenStartIndex;
                        _nameEnd = _nameStart + reader.ValueSpan.Length + 2;
                    }
                    MarkNotEmpty(level);
                    continue;
                }

                if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                var isContainer = type is JsonTokenType.StartObject or JsonTokenType.StartArray;
                if (isContainer && depth + 1 > _maxDepth)
                {
                    return new MaskError(MaskStatus.DepthLimitExceeded, start, $"objects and arrays nest deeper than {_maxDepth}");
                }

                var node = Node.Other;
                var slot = -1;
                if (depth == 0)
                {
                    node = type == JsonTokenType.StartObject ? Node.Root : Node.Other;
                }
                else
                {
                    var parent = depth - 1;
                    var position = _position[parent]++;
                    MarkNotEmpty(parent);
                    var prop = _prop[parent];
                    switch (_node[parent])
                    {
                        case Node.Root:
                            if (prop == Prop.Choices && type == JsonTokenType.StartArray)
                            {
                                node = Node.Choices;
                                hasChoices = true;
                            }
                            else if (prop == Prop.Template && !isContainer)
                            {
                                _template.Add(new TemplateMember(_nameStart, _nameEnd, start, (int)reader.BytesConsumed));
                            }

                            break;

                        case Node.Choices:
                            if (type == JsonTokenType.StartObject)
                            {
                                node = Node.Choice;
                                slot = _choices.Count;
                                _choices.Add(new ChoiceInfo(position));
                                _edits.Add(new Edit(EditKind.InsertInChoice, start + 1, start + 1, slot));
                            }

                            break;

                        case Node.Choice:
                            {
                                slot = _slot[parent];
                                ref var choice = ref _choices[slot];
                                switch (prop)
                                {
                                    case Prop.Index when type == JsonTokenType.Number && reader.TryGetInt32(out var index) && index >= 0:
                                        choice.Index = index;
                                        break;
                                    case Prop.FinishReason when type == JsonTokenType.String && reader.ValueSpan.Length > 0:
                                        choice.Finishing = true;
                                        break;
                                    case Prop.Text:
                                        if (!AddField(ref reader, StreamField.Text, slot, -1, start))
                                        {
                                            return InvalidUtf8(start);
                                        }

                                        break;
                                    case Prop.Delta:
                                        if (type == JsonTokenType.StartObject)
                                        {
                                            node = Node.Delta;
                                            choice.HasDelta = true;
                                            _edits.Add(new Edit(EditKind.InsertInDelta, start + 1, start + 1, slot));
                                        }
                                        else
                                        {
                                            choice.DeltaBlocked = true;
                                        }

                                        break;
                                    case Prop.Logprobs when type != JsonTokenType.Null:
                                        if (isContainer)
                                        {
                                            reader.Skip();
                                        }

                                        _edits.Add(new Edit(EditKind.Null, start, (int)reader.BytesConsumed, slot));
                                        continue;
                                }

                                break;
                            }

                        case Node.Delta:
                            {
                                slot = _slot[parent];
                                ref var choice = ref _choices[slot];
                                switch (prop)
                                {
                                    case Prop.Content:
                                    case Prop.Refusal:
                                        if (!AddField(ref reader, prop == Prop.Content ? StreamField.Content : StreamField.Refusal, slot, -1, start))
                                        {
                                            return InvalidUtf8(start);
                                        }

                                        break;
                                    case Prop.ToolCalls:
                                        if (type == JsonTokenType.StartArray)
                                        {
                                            node = Node.ToolCalls;
                                            choice.HasToolCalls = true;
                                            _edits.Add(new Edit(EditKind.InsertInToolCalls, start + 1, start + 1, slot));
                                        }
                                        else
                                        {
                                            choice.ToolCallsBlocked = true;
                                        }

                                        break;
                                }

                                break;
                            }

                        case Node.ToolCalls:
                            if (type == JsonTokenType.StartObject)
                            {
                                node = Node.ToolCall;
                                slot = _tools.Count;
                                _tools.Add(new ToolInfo(_slot[parent], position));
                            }

                            break;

                        case Node.ToolCall:
                            slot = _slot[parent];
                            if (prop == Prop.Index && type == JsonTokenType.Number && reader.TryGetInt32(out var toolIndex) && toolIndex >= 0)
                            {
                                _tools[slot].Index = toolIndex;
                            }
                            else if (prop == Prop.Function && type == JsonTokenType.StartObject)
                            {
                                node = Node.Function;
                            }

                            break;

                        case Node.Function:
                            slot = _slot[parent];
                            if (prop == Prop.Arguments && !AddField(ref reader, StreamField.Arguments, _tools[slot].Choice, slot, start))
                            {
                                return InvalidUtf8(start);
                            }

                            break;
                    }
                }

                if (isContainer)
                {
                    _node[depth] = node;
                    _prop[depth] = Prop.Other;
                    _slot[depth] = slot;
                    _position[depth] = 0;
                }
            }
        }
        catch (JsonException e)
        {
            var offset = e.LineNumber == 0 && e.BytePositionInLine is { } position ? position : reader.BytesConsumed;
            return new MaskError(MaskStatus.InvalidJson, offset, "the event data is not valid JSON");
        }

        if (hasChoices)
        {
            // The chunk's id, object, created and model, for a flush chunk that looks like the others.
            _flushTemplate.Clear();
            foreach (var member in _template.Items)
            {
                _flushTemplate.Write(json[member.NameStart..member.NameEnd]);
                _flushTemplate.Write(":"u8);
                _flushTemplate.Write(json[member.ValueStart..member.ValueEnd]);
                _flushTemplate.Write(","u8);
            }
        }

        return MaskError.Ok;
    }

    private bool AddField(ref Utf8JsonReader reader, StreamField field, int choice, int tool, int start)
    {
        var type = reader.TokenType;
        if (type == JsonTokenType.Null)
        {
            _edits.Add(new Edit(EditKind.Field, start, (int)reader.BytesConsumed, _fields.Count));
            _fields.Add(new FieldInfo(field, choice, tool, 0, 0, isNull: true));
            return true;
        }

        if (type != JsonTokenType.String)
        {
            // Not streamed text (some providers send content parts as arrays): the JSON masker scans it as it is.
            return true;
        }

        var textStart = _fieldText.WrittenCount;
        var span = _fieldText.GetSpan(reader.ValueSpan.Length);
        int written;
        try
        {
            written = reader.CopyString(span);
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        if (!Utf8.IsValid(span[..written]))
        {
            return false;
        }

        _fieldText.Advance(written);
        _edits.Add(new Edit(EditKind.Field, start, (int)reader.BytesConsumed, _fields.Count));
        _fields.Add(new FieldInfo(field, choice, tool, textStart, written, isNull: false));
        return true;
    }

    private static MaskError InvalidUtf8(int offset) =>
        new(MaskStatus.InvalidUtf8, offset, "a streamed text is not valid UTF-8 or has an unpaired surrogate");

    private void MarkNotEmpty(int level)
    {
        var slot = _slot[level];
        switch (_node[level])
        {
            case Node.Choice:
                _choices[slot].NotEmpty = true;
                break;
            case Node.Delta:
                _choices[slot].DeltaNotEmpty = true;
                break;
            case Node.ToolCalls:
                _choices[slot].ToolCallsNotEmpty = true;
                break;
        }
    }

    private static Prop Identify(Node container, ref Utf8JsonReader reader)
    {
        switch (container)
        {
            case Node.Root:
                if (reader.ValueTextEquals("choices"u8))
                {
                    return Prop.Choices;
                }

                return reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("object"u8) || reader.ValueTextEquals("created"u8) || reader.ValueTextEquals("model"u8)
                    ? Prop.Template
                    : Prop.Other;
            case Node.Choice:
                return reader.ValueTextEquals("index"u8) ? Prop.Index
                    : reader.ValueTextEquals("delta"u8) ? Prop.Delta
                    : reader.ValueTextEquals("text"u8) ? Prop.Text
                    : reader.ValueTextEquals("finish_reason"u8) ? Prop.FinishReason
                    : reader.ValueTextEquals("logprobs"u8) ? Prop.Logprobs
                    : Prop.Other;
            case Node.Delta:
                return reader.ValueTextEquals("content"u8) ? Prop.Content
                    : reader.ValueTextEquals("refusal"u8) ? Prop.Refusal
                    : reader.ValueTextEquals("tool_calls"u8) ? Prop.ToolCalls
                    : Prop.Other;
            case Node.ToolCall:
                return reader.ValueTextEquals("index"u8) ? Prop.Index
                    : reader.ValueTextEquals("function"u8) ? Prop.Function
                    : Prop.Other;
            case Node.Function:
                return reader.ValueTextEquals("arguments"u8) ? Prop.Arguments : Prop.Other;
            default:
                return Prop.Other;
        }
    }

    // ---- Pass 2: copy the chunk with its edits -------------------------------------------------------------------

    private MaskError Write(ReadOnlySpan<byte> json, PooledBufferWriter output)
    {
        var copied = 0;
        for (var i = 0; i < _edits.Count; i++)
        {
            var edit = _edits[i];
            output.Write(json[copied..edit.Start]);
            copied = edit.End;
            var status = MaskStatus.Ok;
            switch (edit.Kind)
            {
                case EditKind.Null:
                    output.Write("null"u8);
                    break;
                case EditKind.Field:
                    status = WriteField(edit.Slot, output);
                    break;
                case EditKind.InsertInChoice:
                case EditKind.InsertInDelta:
                case EditKind.InsertInToolCalls:
                    status = WriteInsertion(edit.Kind, _choices[edit.Slot], output);
                    break;
            }

            if (status != MaskStatus.Ok)
            {
                return new MaskError(status, edit.Start, "the detector engine failed on streamed text");
            }
        }

        output.Write(json[copied..]);
        return MaskError.Ok;
    }

    private MaskStatus WriteField(int index, PooledBufferWriter output)
    {
        var field = _fields[index];
        var stream = field.Stream!;
        stream.Append(_fieldText.WrittenSpan.Slice(field.TextStart, field.TextLength));
        var status = Emit(stream, final: _choices[field.Choice].Finishing);
        if (status != MaskStatus.Ok)
        {
            return status;
        }

        if (field.IsNull && _emitted.WrittenCount == 0)
        {
            output.Write("null"u8);
        }
        else
        {
            JsonStringEncoder.WriteQuoted(_emitted.WrittenSpan, output);
        }

        return MaskStatus.Ok;
    }

    /// <summary>
    /// At the opening of a finishing choice's object, its delta or its tool_calls array: the held text of the choice's
    /// streams that have no field in this chunk, as new members or elements, so it reaches the caller with the chunk
    /// that ends the choice. A stream that has no place here (no delta in the chunk) stays held for the final flush.
    /// </summary>
    private MaskStatus WriteInsertion(EditKind kind, in ChoiceInfo choice, PooledBufferWriter output)
    {
        if (!choice.Finishing)
        {
            return MaskStatus.Ok;
        }

        var wrote = false;
        var status = MaskStatus.Ok;
        switch (kind)
        {
            case EditKind.InsertInChoice:
                status = WriteHeldMembers(choice.Index, FieldSet.Text, output, leadingComma: false, out wrote);
                if (status == MaskStatus.Ok && !choice.HasDelta && !choice.DeltaBlocked && HasHeld(choice.Index, FieldSet.Delta))
                {
                    if (wrote)
                    {
                        output.Write(","u8);
                    }

                    output.Write("\"delta\":{"u8);
                    status = WriteHeldMembers(choice.Index, FieldSet.Delta, output, leadingComma: false, out _);
                    output.Write("}"u8);
                    wrote = true;
                }

                wrote &= choice.NotEmpty;
                break;
            case EditKind.InsertInDelta:
                var set = !choice.HasToolCalls && !choice.ToolCallsBlocked ? FieldSet.Delta : FieldSet.DeltaText;
                status = WriteHeldMembers(choice.Index, set, output, leadingComma: false, out wrote);
                wrote &= choice.DeltaNotEmpty;
                break;
            case EditKind.InsertInToolCalls:
                status = WriteHeldToolCalls(choice.Index, output, leadingComma: false, out wrote);
                wrote &= choice.ToolCallsNotEmpty;
                break;
        }

        if (wrote)
        {
            output.Write(","u8);
        }

        return status;
    }

    private bool HasHeld(int choice, FieldSet set)
    {
        foreach (var stream in _streams)
        {
            if (stream.Choice == choice && !stream.InEvent && stream.PendingLength > 0 && InSet(stream.Field, set))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InSet(StreamField field, FieldSet set) => set switch
    {
        FieldSet.Text => field == StreamField.Text,
        FieldSet.DeltaText => field is StreamField.Content or StreamField.Refusal,
        _ => field is StreamField.Content or StreamField.Refusal or StreamField.Arguments,
    };

    /// <summary>
    /// Writes <c>"name":"text"</c> members for the choice's held streams in <paramref name="set"/> (tool-call
    /// arguments as one <c>tool_calls</c> member), each emitted to its end. <paramref name="wrote"/>: any member written.
    /// </summary>
    private MaskStatus WriteHeldMembers(int choice, FieldSet set, PooledBufferWriter output, bool leadingComma, out bool wrote)
    {
        wrote = false;
        foreach (var stream in _streams)
        {
            if (stream.Choice != choice || stream.InEvent || stream.PendingLength == 0 || stream.Field == StreamField.Arguments || !InSet(stream.Field, set))
            {
                continue;
            }

            var status = Emit(stream, final: true);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            if (wrote || leadingComma)
            {
                output.Write(","u8);
            }

            wrote = true;
            output.Write(stream.Field switch
            {
                StreamField.Content => "\"content\":"u8,
                StreamField.Refusal => "\"refusal\":"u8,
                _ => "\"text\":"u8,
            });
            JsonStringEncoder.WriteQuoted(_emitted.WrittenSpan, output);
        }

        if (set == FieldSet.Delta && HasHeldArguments(choice))
        {
            if (wrote || leadingComma)
            {
                output.Write(","u8);
            }

            output.Write("\"tool_calls\":["u8);
            var status = WriteHeldToolCalls(choice, output, leadingComma: false, out _);
            output.Write("]"u8);
            wrote = true;
            return status;
        }

        return MaskStatus.Ok;
    }

    private bool HasHeldArguments(int choice)
    {
        foreach (var stream in _streams)
        {
            if (stream.Choice == choice && !stream.InEvent && stream.PendingLength > 0 && stream.Field == StreamField.Arguments)
            {
                return true;
            }
        }

        return false;
    }

    private MaskStatus WriteHeldToolCalls(int choice, PooledBufferWriter output, bool leadingComma, out bool wrote)
    {
        wrote = false;
        foreach (var stream in _streams)
        {
            if (stream.Choice != choice || stream.InEvent || stream.PendingLength == 0 || stream.Field != StreamField.Arguments)
            {
                continue;
            }

            var status = Emit(stream, final: true);
            if (status != MaskStatus.Ok)
            {
                return status;
            }

            if (wrote || leadingComma)
            {
                output.Write(","u8);
            }

            wrote = true;
            output.Write("{\"index\":"u8);
            WriteInt(stream.Tool, output);
            output.Write(",\"function\":{\"arguments\":"u8);
            JsonStringEncoder.WriteQuoted(_emitted.WrittenSpan, output);
            output.Write("}}"u8);
        }

        return MaskStatus.Ok;
    }

    private static void WriteInt(int value, PooledBufferWriter output)
    {
        var span = output.GetSpan(11);
        value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    // ---- Hold-back ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Emits the safe part of <paramref name="stream"/>'s pending text, masked, into <see cref="_emitted"/> (cleared
    /// first), and keeps the rest held. <paramref name="final"/> emits everything.
    /// </summary>
    private MaskStatus Emit(TextStream stream, bool final)
    {
        _emitted.Clear();
        if (stream.PendingLength == 0)
        {
            return MaskStatus.Ok;
        }

        var text = stream.Text;
        var contextLength = stream.ContextLength;
        try
        {
            _detector.Detect(text, _matches);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return MaskStatus.DetectorFailure;
        }

        var cut = final ? text.Length : SafeCut(text, contextLength);
        if (!final && text.Length - cut > _options.MaxHeldBytes)
        {
            // A match that keeps reaching the end: emit it masked rather than hold without bound.
            cut = text.Length;
        }

        if (cut <= contextLength)
        {
            return MaskStatus.Ok;
        }

        _applied.Clear();
        var stats = _context.StatsFor(_direction);
        foreach (var m in _matches.Items)
        {
            if (m.End <= contextLength)
            {
                continue;
            }

            if (m.Start >= cut)
            {
                break;
            }

            // A match that starts in the context began in text already emitted (longer than the hold-back, or
            // released by the held-size bound): its rest is masked on its own.
            var start = Math.Max(m.Start, contextLength);
            var end = Math.Min(m.End, cut);
            _applied.Add(new EntityMatch(m.Entity, start - contextLength, end - contextLength));
            if (ValueMasker.ActionFor(_context, _direction, m.Entity) is { Kind: not OperatorKind.Keep })
            {
                // Kept and exempt entities are counted by the JSON masker, which finds them again.
                stats.Add(m.Entity);
            }
        }

        ValueMasker.WriteMasked(_context, _direction, text[contextLength..cut], _applied.Items, _emitted);
        stream.Consume(cut - contextLength, _contextBytes);
        return MaskStatus.Ok;
    }

    /// <summary>
    /// Where the pending text of a stream may be cut: the hold-back from its end, before any match that crosses it
    /// and before any token that may still grow into one (<see cref="EntityDetector.OpenRunStart"/>), on a character
    /// boundary. A vault token is never cut: it is shorter than the hold-back (see
    /// <see cref="SseMaskerOptions.HoldBackBytes"/>), so it is whole before the cut reaches it, and restored whole.
    /// </summary>
    private int SafeCut(ReadOnlySpan<byte> text, int contextLength)
    {
        var cut = Math.Max(contextLength, text.Length - _options.HoldBackBytes);

        // A token longer than the hold-back whose end has not arrived (a JWT before its second dot) is not a match
        // yet: hold it from its start, up to the held-size bound.
        cut = Math.Max(contextLength, Math.Min(cut, _detector.OpenRunStart(text)));

        // Matches are sorted and never overlap: at most one crosses the cut. Its start is a character boundary.
        foreach (var m in _matches.Items)
        {
            if (m.Start >= cut)
            {
                break;
            }

            if (m.End > cut)
            {
                return Math.Max(m.Start, contextLength);
            }
        }

        while (cut > contextLength && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }

    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }

        foreach (var stream in _free)
        {
            stream.Dispose();
        }

        _matches.Dispose();
        _applied.Dispose();
        _choices.Dispose();
        _tools.Dispose();
        _fields.Dispose();
        _edits.Dispose();
        _template.Dispose();
        _fieldText.Dispose();
        _emitted.Dispose();
        _flushTemplate.Dispose();
    }

    private enum Node : byte
    {
        Other,
        Root,
        Choices,
        Choice,
        Delta,
        ToolCalls,
        ToolCall,
        Function,
    }

    private enum Prop : byte
    {
        Other,
        Choices,
        Template,
        Index,
        Delta,
        Text,
        FinishReason,
        Logprobs,
        Content,
        Refusal,
        ToolCalls,
        Function,
        Arguments,
    }

    private enum FieldSet : byte
    {
        /// <summary>Members of the choice object: <c>text</c>.</summary>
        Text,

        /// <summary>Members of the delta: <c>content</c>, <c>refusal</c> and tool-call arguments.</summary>
        Delta,

        /// <summary>Members of the delta without tool calls (the delta already has a tool_calls array).</summary>
        DeltaText,
    }

    private enum EditKind : byte
    {
        /// <summary>Replace a streamed text field's value.</summary>
        Field,

        /// <summary>Replace a value by <c>null</c> (logprobs).</summary>
        Null,

        InsertInChoice,
        InsertInDelta,
        InsertInToolCalls,
    }

    private readonly record struct TemplateMember(int NameStart, int NameEnd, int ValueStart, int ValueEnd);

    /// <summary>Replace <c>[Start, End)</c> of the chunk (an insertion when they are equal).</summary>
    private readonly record struct Edit(EditKind Kind, int Start, int End, int Slot);

    private struct ChoiceInfo(int index)
    {
        /// <summary>The choice's <c>index</c> member, or its position in the array when it has none.</summary>
        public int Index = index;
        public bool Finishing;
        public bool NotEmpty;
        public bool HasDelta;
        public bool DeltaBlocked;
        public bool DeltaNotEmpty;
        public bool HasToolCalls;
        public bool ToolCallsBlocked;
        public bool ToolCallsNotEmpty;
    }

    private struct ToolInfo(int choice, int index)
    {
        public readonly int Choice = choice;

        /// <summary>The tool call's <c>index</c> member, or its position in the array when it has none.</summary>
        public int Index = index;
    }

    private struct FieldInfo(StreamField field, int choice, int tool, int textStart, int textLength, bool isNull)
    {
        public readonly StreamField Field = field;
        public readonly int Choice = choice;
        public readonly int Tool = tool;
        public readonly int TextStart = textStart;
        public readonly int TextLength = textLength;
        public readonly bool IsNull = isNull;
        public TextStream? Stream;
    }
}
