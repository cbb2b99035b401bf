using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Json;

/// <summary>
/// Masks one JSON document that may arrive in pieces. The output is the input spliced: every byte that needs no
/// change (structure, keys, numbers, unmasked strings, whitespace) is copied as it came, and only masked values are
/// re-encoded, so a document without findings comes out byte for byte as it went in.
/// </summary>
/// <remarks>
/// <para>
/// Reading is <see cref="Utf8JsonReader"/> over a <see cref="ReadOnlySequence{T}"/> with its
/// <see cref="JsonReaderState"/> carried from one <see cref="Feed"/> to the next. Field rules are matched with a bit
/// set per rule and depth (one bit per selector step reached), so a property costs one pass over the rules.
/// </para>
/// <para>
/// Removing a member or element takes its comma with it. Commas live in the gaps between tokens; a gap is written
/// when the token after it is known, and the gap left at the end of a piece is held back from its comma on, so the
/// output does not depend on where the input was split.
/// </para>
/// <para>
/// On any error the output written so far must be discarded by the caller; nothing of an invalid document may be
/// forwarded.
/// </para>
/// </remarks>
public sealed class JsonMaskSession : IDisposable
{
    private readonly MaskContext _context;
    private readonly MaskDirection _direction;
    private readonly CompiledPolicy _policy;
    private readonly MaskerLimits _limits;
    private readonly PathStep[][] _ruleSteps;
    private readonly int _ruleCount;
    private readonly int _embeddedLevel;

    // Per depth d (0 = the root value): the rules' step bit sets and the entity that classifies the value (-1: none).
    private readonly ulong[] _ruleStates;
    private readonly ulong[] _rootStates;
    private readonly int[] _covered;
    private readonly int[] _nameCovered;
    private readonly Frame[] _frames;

    private readonly PooledBufferWriter _decoded = new(1024);
    private readonly PooledBufferWriter _masked = new(1024);
    private readonly PooledBufferWriter _restored = new(256);
    private readonly PooledBufferWriter _pendingGap = new(256);
    private readonly SplicingWriter _splice = new();
    private JsonMaskSession? _embedded;
    private PooledBufferWriter? _embeddedInput;
    private PooledBufferWriter? _embeddedOutput;

    private JsonReaderState _readerState;
    private long _offset;
    private int _depth;
    private int _suppressDepth;
    private bool _rootSeen;
    private bool _rootDone;
    private int _changes;
    private MaskError _error;

    public JsonMaskSession(MaskContext context, MaskDirection direction)
        : this(context, direction, 0)
    {
    }

    private JsonMaskSession(MaskContext context, MaskDirection direction, int embeddedLevel)
    {
        _context = context;
        _direction = direction;
        _policy = context.Policy;
        _limits = _policy.Limits;
        _ruleSteps = _policy.Plan.RuleSteps;
        _ruleCount = _ruleSteps.Length;
        _embeddedLevel = embeddedLevel;
        _rootStates = new ulong[_ruleCount];
        Array.Fill(_rootStates, 1UL);
        var depths = _limits.MaxDepth + 2;
        _ruleStates = new ulong[depths * Math.Max(_ruleCount, 1)];
        _covered = new int[depths];
        _nameCovered = new int[depths];
        _frames = new Frame[depths];
        Reset();
    }

    /// <summary>The error that ended this document, or Ok / NeedMoreData.</summary>
    public MaskError Error => _error;

    /// <summary>Values this document's masking changed so far.</summary>
    public int Changes => _changes;

    /// <summary>Forgets the current document (not the context's vault or counts), for the next one.</summary>
    public void Reset()
    {
        // A rule without steps ('$') classifies the whole document.
        var covered = -1;
        for (var r = 0; r < _ruleCount; r++)
        {
            if (_ruleSteps[r].Length == 0)
            {
                covered = Stronger(covered, _policy.FieldRules[r].Entity);
            }
        }

        ResetTo(_rootStates, covered);
    }

    private void ResetTo(ReadOnlySpan<ulong> rootStates, int rootCovered)
    {
        _readerState = new JsonReaderState(new JsonReaderOptions
        {
            // One above our own limit: the masker reports depth itself, with its own status and offset.
            MaxDepth = _limits.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        _offset = 0;
        _depth = 0;
        _suppressDepth = -1;
        _rootSeen = false;
        _rootDone = false;
        _changes = 0;
        _error = MaskError.NeedMoreData;
        _pendingGap.Clear();
        rootStates.CopyTo(_ruleStates);
        _covered[0] = rootCovered;
        _nameCovered[0] = -1;
    }


    /// <summary>
    /// Masks as much of <paramref name="input"/> as forms complete tokens and writes it to <paramref name="output"/>.
    /// <paramref name="consumed"/> is where the caller must start the next call (the unconsumed rest plus new bytes).
    /// Returns NeedMoreData until <paramref name="isFinalBlock"/>, then Ok or the error; an error is final.
    /// </summary>
    public MaskError Feed(ReadOnlySequence<byte> input, bool isFinalBlock, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        consumed = input.Start;
        if (_error.IsError || _error.IsOk)
        {
            return _error.IsOk ? Fail(MaskStatus.InvalidJson, _offset, "the document was already complete") : _error;
        }

        _splice.Begin(output, input);
        try
        {
            return FeedPiece(input, isFinalBlock, _splice, out consumed);
        }
        finally
        {
            _splice.End();
        }
    }

    private MaskError FeedPiece(in ReadOnlySequence<byte> input, bool isFinalBlock, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        consumed = input.Start;

        var reader = new Utf8JsonReader(input, isFinalBlock, _readerState);
        long emitted = 0;
        try
        {
            while (reader.Read())
            {
                var status = OnToken(ref reader, input, ref emitted, output);
                if (status != MaskStatus.Ok)
                {
                    return _error;
                }
            }
        }
        catch (JsonException e)
        {
            return isFinalBlock && EndsEarly(input, _readerState)
                ? Fail(MaskStatus.TruncatedDocument, _offset + input.Length, "the document ends before it is complete")
                : Fail(MaskStatus.InvalidJson, ErrorOffset(e, _offset + reader.BytesConsumed), InvalidJsonReason(e));
        }

        var end = reader.BytesConsumed;
        if (isFinalBlock)
        {
            if (!_rootDone)
            {
                return Fail(MaskStatus.TruncatedDocument, _offset + end, _rootSeen ? "the document ends before it is complete" : "the document is empty");
            }

            EmitGap(input, emitted, end, dropComma: false, output);
            _offset += end;
            consumed = input.GetPosition(end);
            _error = MaskError.Ok;
            return _error;
        }

        // A token that never ends must not buffer without bound: what is left unconsumed is one partial token.
        if (input.Length - end > (long)_limits.MaxTokenBytes + 64)
        {
            return Fail(MaskStatus.TokenTooLarge, _offset + end, $"a token is larger than {_limits.MaxTokenBytes} bytes");
        }

        if (_suppressDepth < 0 && end > emitted)
        {
            HoldTrailingGap(input, emitted, end, output);
        }

        _readerState = reader.CurrentState;
        _offset += end;
        consumed = input.GetPosition(end);
        return _error;
    }

    private MaskStatus OnToken(ref Utf8JsonReader reader, in ReadOnlySequence<byte> input, ref long emitted, IBufferWriter<byte> output)
    {
        var start = reader.TokenStartIndex;
        var end = reader.BytesConsumed;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                {
                    if (_depth + 1 > _limits.MaxDepth)
                    {
                        return FailStatus(MaskStatus.DepthLimitExceeded, _offset + start, $"objects and arrays nest deeper than {_limits.MaxDepth}");
                    }

                    var begin = BeginValue(ref reader, input, start, ref emitted, output);
                    if (begin == ValueDisposition.Write)
                    {
                        CopyRaw(input, start, end, output);
                    }

                    emitted = end;
                    ref var frame = ref _frames[++_depth];
                    frame = new Frame(reader.TokenType == JsonTokenType.StartArray);
                    return MaskStatus.Ok;
                }

            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                {
                    if (_suppressDepth < 0)
                    {
                        EmitGap(input, emitted, start, dropComma: false, output);
                        CopyRaw(input, start, end, output);
                    }

                    emitted = end;
                    _depth--;
                    EndValue();
                    return MaskStatus.Ok;
                }

            case JsonTokenType.PropertyName:
                OnPropertyName(ref reader, input, start, end, ref emitted, output);
                return MaskStatus.Ok;

            default:
                return OnPrimitive(ref reader, input, start, end, ref emitted, output);
        }
    }

    private void OnPropertyName(ref Utf8JsonReader reader, in ReadOnlySequence<byte> input, long start, long end, ref long emitted, IBufferWriter<byte> output)
    {
        if (_suppressDepth >= 0)
        {
            emitted = end;
            return;
        }

        // The member's value sits at depth _depth: classify it now, while the reader is on its name.
        var covered = _covered[_depth - 1];
        if (_ruleCount > 0)
        {
            covered = AdvanceRules(ref reader, isProperty: true, index: 0, covered);
        }

        _covered[_depth] = covered;
        _nameCovered[_depth] = _policy.FieldNameRules.IsDefaultOrEmpty ? -1 : MatchFieldName(ref reader);
        ref var frame = ref _frames[_depth];
        if (covered >= 0 && ValueMasker.ActionFor(_context, _direction, covered) is { Kind: OperatorKind.Remove })
        {
            EmitGap(input, emitted, start, dropComma: true, output);
            _context.StatsFor(_direction).Add(covered);
            _changes++;
            _suppressDepth = _depth;
            emitted = end;
            return;
        }

        EmitGap(input, emitted, start, dropComma: frame.Emitted == 0, output);
        CopyRaw(input, start, end, output);
        frame.Emitted++;
        emitted = end;
    }

    private MaskStatus OnPrimitive(ref Utf8JsonReader reader, in ReadOnlySequence<byte> input, long start, long end, ref long emitted, IBufferWriter<byte> output)
    {
        var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (rawLength > _limits.MaxTokenBytes)
        {
            return FailStatus(MaskStatus.TokenTooLarge, _offset + start, $"a token is larger than {_limits.MaxTokenBytes} bytes");
        }

        var begin = BeginValue(ref reader, input, start, ref emitted, output);
        if (begin != ValueDisposition.Write)
        {
            emitted = end;
            EndValue();
            return MaskStatus.Ok;
        }

        var covered = _covered[_depth];
        var byName = _nameCovered[_depth] >= 0 && Stronger(covered, _nameCovered[_depth]) != covered;
        if (byName)
        {
            covered = _nameCovered[_depth];
        }

        var action = covered >= 0 ? ValueMasker.ActionFor(_context, _direction, covered) : null;
        var type = reader.TokenType;
        MaskStatus status;
        if (byName && action is { Kind: OperatorKind.Remove } && type != JsonTokenType.Null)
        {
            // The member was kept when its name was read (the value's type was not known yet): the value goes.
            output.Write("null"u8);
            _context.StatsFor(_direction).Add(covered);
            _changes++;
            status = MaskStatus.Ok;
        }
        else if (type == JsonTokenType.Null || (type != JsonTokenType.String && (action is null || action.Kind == OperatorKind.Keep)))
        {
            // null carries nothing to mask; numbers and booleans are only masked by a field rule.
            CopyRaw(input, start, end, output);
            status = MaskStatus.Ok;
        }
        else
        {
            status = OnValue(ref reader, input, start, end, covered, action, output);
        }

        emitted = end;
        EndValue();
        return status;
    }

    private MaskStatus OnValue(ref Utf8JsonReader reader, in ReadOnlySequence<byte> input, long start, long end, int covered, EntityAction? action, IBufferWriter<byte> output)
    {
        var isString = reader.TokenType == JsonTokenType.String;
        ReadOnlySpan<byte> text;
        if (!reader.HasValueSequence && !(isString && reader.ValueIsEscaped))
        {
            text = reader.ValueSpan;
        }
        else
        {
            _decoded.Clear();
            var length = (int)(reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length);
            var span = _decoded.GetSpan(length);
            int written;
            if (isString)
            {
                try
                {
                    written = reader.CopyString(span);
                }
                catch (InvalidOperationException)
                {
                    return FailStatus(MaskStatus.InvalidUtf8, _offset + start, "a string escape decodes to an unpaired surrogate");
                }
            }
            else
            {
                reader.ValueSequence.CopyTo(span);
                written = length;
            }

            _decoded.Advance(written);
            text = _decoded.WrittenSpan;
        }

        if (isString && !Utf8.IsValid(text))
        {
            return FailStatus(MaskStatus.InvalidUtf8, _offset + start, "a string is not valid UTF-8");
        }

        if (action is not null && action.Kind != OperatorKind.Keep)
        {
            _masked.Clear();
            ValueMasker.WriteReplacement(_context, action, covered, text, _masked);
            _context.StatsFor(_direction).Add(covered);
            _changes++;
            JsonStringEncoder.WriteQuoted(_masked.WrittenSpan, output);
            return MaskStatus.Ok;
        }

        var result = text;
        var changed = false;
        var embedded = TryMaskEmbedded(text, out var embeddedStatus);
        if (embeddedStatus != MaskStatus.Ok)
        {
            return FailStatus(embeddedStatus, _offset + start, _embedded!.Error.Reason);
        }

        if (embedded is not null)
        {
            changed = _embedded!.Changes > 0;
            result = embedded.WrittenSpan;
        }
        else
        {
            _masked.Clear();
            if (TextMasker.Mask(_context, _direction, text, _masked, out var masked) != MaskStatus.Ok)
            {
                return FailStatus(MaskStatus.DetectorFailure, _offset + start, "the detector engine failed on a string value");
            }

            if (masked)
            {
                changed = true;
                _changes++;
                result = _masked.WrittenSpan;
            }
        }

        if (_direction == MaskDirection.Response && _policy.RestoreTokensInResponse && _context.HasTokens)
        {
            _restored.Clear();
            if (_context.Vault.Restore(result, _restored))
            {
                changed = true;
                result = _restored.WrittenSpan;
            }
        }

        if (changed)
        {
            JsonStringEncoder.WriteQuoted(result, output);
        }
        else
        {
            CopyRaw(input, start, end, output);
        }

        return MaskStatus.Ok;
    }

    /// <summary>
    /// A string that holds a JSON object or array (OpenAI tool-call <c>arguments</c>) is masked as JSON, with the
    /// field rules continuing from the string's path. Returns the masked document, or null when the string is not
    /// JSON (then it is scanned as text). Errors other than "not JSON" are returned in <paramref name="status"/>.
    /// </summary>
    private PooledBufferWriter? TryMaskEmbedded(ReadOnlySpan<byte> text, out MaskStatus status)
    {
        status = MaskStatus.Ok;
        if (_embeddedLevel >= _limits.MaxEmbeddedJsonDepth)
        {
            return null;
        }

        var first = text.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || (text[first] != '{' && text[first] != '['))
        {
            return null;
        }

        // Cheap shape checks first: a placeholder or token ("[EMAIL_ADDRESS]") or a streamed piece of arguments
        // ("{\"city\":\"Par") cannot parse, and finding that out through the parser costs an exception.
        var last = text.LastIndexOfAnyExcept(" \t\r\n"u8);
        var second = text[(first + 1)..].IndexOfAnyExcept(" \t\r\n"u8);
        if (text[last] != (text[first] == '{' ? '}' : ']') || second < 0 || !CanOpen(text[first], text[first + 1 + second]))
        {
            return null;
        }

        _embedded ??= new JsonMaskSession(_context, _direction, _embeddedLevel + 1);
        _embeddedOutput ??= new PooledBufferWriter(text.Length + 64);
        _embeddedOutput.Clear();
        _embedded.ResetTo(_ruleStates.AsSpan(_depth * _ruleCount, _ruleCount), _covered[_depth]);
        _embeddedInput ??= new PooledBufferWriter(text.Length);
        _embeddedInput.Clear();
        _embeddedInput.Write(text);
        var result = _embedded.Feed(new ReadOnlySequence<byte>(_embeddedInput.WrittenMemory), isFinalBlock: true, _embeddedOutput, out _);
        switch (result.Status)
        {
            case MaskStatus.Ok:
                return _embeddedOutput;
            case MaskStatus.DetectorFailure:
            case MaskStatus.TokenTooLarge:
                status = result.Status;
                return null;
            default:
                // Not JSON after all (or too deep): the caller scans the whole string as text, so nothing is missed.
                return null;
        }
    }

    /// <summary>Whether <paramref name="next"/> may follow <paramref name="open"/> in JSON: a member name or the end of an object, a value or the end of an array.</summary>
    private static bool CanOpen(byte open, byte next) => open == '{'
        ? next is (byte)'"' or (byte)'}'
        : next is (byte)'"' or (byte)'{' or (byte)'[' or (byte)']' or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n' || (uint)(next - '0') <= 9;

    private enum ValueDisposition
    {
        Write,
        Skip,
    }

    /// <summary>
    /// Starts a value: inside a removed subtree it is skipped; an array element is classified by its index; a value
    /// whose field rule removes it is skipped with its comma. Writes the gap before the value when it is kept.
    /// </summary>
    private ValueDisposition BeginValue(ref Utf8JsonReader reader, in ReadOnlySequence<byte> input, long start, ref long emitted, IBufferWriter<byte> output)
    {
        if (_suppressDepth >= 0)
        {
            return ValueDisposition.Skip;
        }

        _rootSeen = true;
        if (_depth == 0)
        {
            if (_covered[0] >= 0 && ValueMasker.ActionFor(_context, _direction, _covered[0]) is { Kind: OperatorKind.Remove })
            {
                // A removed root still leaves a document behind.
                EmitGap(input, emitted, start, dropComma: false, output);
                output.Write("null"u8);
                _context.StatsFor(_direction).Add(_covered[0]);
                _changes++;
                _suppressDepth = 0;
                return ValueDisposition.Skip;
            }

            EmitGap(input, emitted, start, dropComma: false, output);
            return ValueDisposition.Write;
        }

        ref var frame = ref _frames[_depth];
        if (!frame.IsArray)
        {
            // A member's value: classified at its name; the gap holds the colon.
            EmitGap(input, emitted, start, dropComma: false, output);
            return ValueDisposition.Write;
        }

        var covered = _covered[_depth - 1];
        if (_ruleCount > 0)
        {
            covered = AdvanceRules(ref reader, isProperty: false, frame.Index, covered);
        }

        frame.Index++;
        _covered[_depth] = covered;
        _nameCovered[_depth] = -1;
        if (covered >= 0 && ValueMasker.ActionFor(_context, _direction, covered) is { Kind: OperatorKind.Remove })
        {
            EmitGap(input, emitted, start, dropComma: true, output);
            _context.StatsFor(_direction).Add(covered);
            _changes++;
            _suppressDepth = _depth;
            return ValueDisposition.Skip;
        }

        EmitGap(input, emitted, start, dropComma: frame.Emitted == 0, output);
        frame.Emitted++;
        return ValueDisposition.Write;
    }

    /// <summary>A value just ended (a primitive, or a container's closing token): end a removal, or the root.</summary>
    private void EndValue()
    {
        if (_suppressDepth == _depth)
        {
            _suppressDepth = -1;
        }

        if (_depth == 0)
        {
            _rootDone = true;
        }
    }

    /// <summary>
    /// Moves every rule's step set from the parent (depth - 1) to this segment (depth) and returns the covering
    /// entity: the parent's, or a matching rule's when its level is higher.
    /// </summary>
    private int AdvanceRules(ref Utf8JsonReader reader, bool isProperty, int index, int covered)
    {
        var parent = (_depth - 1) * _ruleCount;
        var child = _depth * _ruleCount;
        for (var r = 0; r < _ruleCount; r++)
        {
            var steps = _ruleSteps[r];
            var state = _ruleStates[parent + r];
            ulong next = 0;
            while (state != 0)
            {
                var i = System.Numerics.BitOperations.TrailingZeroCount(state);
                state &= state - 1;
                if (i >= steps.Length)
                {
                    continue;
                }

                var step = steps[i];
                switch (step.Kind)
                {
                    case PathStepKind.Child:
                        if (isProperty && reader.ValueTextEquals(step.Name))
                        {
                            next |= 1UL << (i + 1);
                        }

                        break;
                    case PathStepKind.Descendant:
                        next |= 1UL << i;
                        if (isProperty && reader.ValueTextEquals(step.Name))
                        {
                            next |= 1UL << (i + 1);
                        }

                        break;
                    case PathStepKind.AnyChild:
                        if (isProperty)
                        {
                            next |= 1UL << (i + 1);
                        }

                        break;
                    case PathStepKind.AnyDescendant:
                        next |= (1UL << i) | (1UL << (i + 1));
                        break;
                    case PathStepKind.AnyIndex:
                        if (!isProperty)
                        {
                            next |= 1UL << (i + 1);
                        }

                        break;
                    case PathStepKind.Index:
                        if (!isProperty && index == step.Index)
                        {
                            next |= 1UL << (i + 1);
                        }

                        break;
                }
            }

            _ruleStates[child + r] = next;
            if ((next & (1UL << steps.Length)) != 0)
            {
                covered = Stronger(covered, _policy.FieldRules[r].Entity);
            }
        }

        return covered;
    }

    /// <summary>
    /// The entity a field-name rule gives the member's value, or -1. Name rules classify scalar values only: a
    /// property called <c>email</c> that holds an object is a container (a JSON schema's <c>properties.email</c> in
    /// a tool definition), and what it holds is classified by path rules and detectors, not by its parent's name.
    /// </summary>
    private int MatchFieldName(ref Utf8JsonReader reader)
    {
        const int MaxName = 64;
        Span<byte> raw = stackalloc byte[MaxName * 2];
        scoped ReadOnlySpan<byte> name;
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
        }
        else
        {
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > raw.Length)
            {
                return -1;
            }

            try
            {
                name = raw[..reader.CopyString(raw)];
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }

        Span<char> normalized = stackalloc char[MaxName];
        var n = 0;
        foreach (var b in name)
        {
            if (b is (byte)'_' or (byte)'-' or (byte)' ' or (byte)'.')
            {
                continue;
            }

            if (n == MaxName)
            {
                return -1;
            }

            normalized[n++] = (char)((uint)(b - 'A') <= 'Z' - 'A' ? b | 0x20 : b);
        }

        return _policy.FieldNameLookup.TryGetValue(normalized[..n], out var entity) ? entity : -1;
    }

    private int Stronger(int current, int candidate)
    {
        if (current < 0)
        {
            return candidate;
        }

        return _policy.Entities[candidate].Level > _policy.Entities[current].Level ? candidate : current;
    }

    /// <summary>Writes the gap <c>[from, to)</c> (whitespace, a colon, at most one comma), dropping its comma if asked.</summary>
    private void EmitGap(in ReadOnlySequence<byte> input, long from, long to, bool dropComma, IBufferWriter<byte> output)
    {
        if (_pendingGap.WrittenCount > 0)
        {
            var pending = _pendingGap.WrittenSpan;
            if (dropComma && pending[0] == (byte)',')
            {
                output.Write(pending[1..]);
                dropComma = false;
            }
            else
            {
                output.Write(pending);
            }

            _pendingGap.Clear();
        }

        if (to <= from)
        {
            return;
        }

        if (!dropComma)
        {
            CopyRaw(input, from, to, output);
            return;
        }

        var gap = input.Slice(from, to - from);
        var comma = gap.PositionOf((byte)',');
        if (comma is null)
        {
            CopyRaw(input, from, to, output);
            return;
        }

        var at = from + gap.Slice(0, comma.Value).Length;
        CopyRaw(input, from, at, output);
        CopyRaw(input, at + 1, to, output);
    }

    /// <summary>
    /// At the end of a piece, writes the trailing gap up to its comma and holds the comma and what follows: whether
    /// that comma stays depends on the next token, which has not arrived.
    /// </summary>
    private void HoldTrailingGap(in ReadOnlySequence<byte> input, long from, long to, IBufferWriter<byte> output)
    {
        var gap = input.Slice(from, to - from);
        var comma = gap.PositionOf((byte)',');
        if (comma is null)
        {
            EmitGap(input, from, to, dropComma: false, output);
            return;
        }

        var before = gap.Slice(0, comma.Value);
        EmitGap(input, from, from + before.Length, dropComma: false, output);
        var held = gap.Slice(comma.Value);
        held.CopyTo(_pendingGap.GetSpan((int)held.Length));
        _pendingGap.Advance((int)held.Length);
    }

    private static void CopyRaw(in ReadOnlySequence<byte> input, long from, long to, IBufferWriter<byte> output)
    {
        if (output is SplicingWriter splice)
        {
            // Offsets are into the piece the writer was begun with, which is always this input.
            splice.CopyInput(from, to);
            return;
        }

        if (input.IsSingleSegment)
        {
            output.Write(input.FirstSpan[(int)from..(int)to]);
            return;
        }

        CopySequence(input.Slice(from, to - from), output);
    }

    private static void CopySequence(in ReadOnlySequence<byte> sequence, IBufferWriter<byte> output)
    {
        if (sequence.IsSingleSegment)
        {
            output.Write(sequence.FirstSpan);
            return;
        }

        foreach (var segment in sequence)
        {
            output.Write(segment.Span);
        }
    }

    /// <summary>
    /// Whether the final piece merely stops early (truncated) rather than holding a syntax error: read again from
    /// the state this piece started with, as if more could follow. Runs only on the error path.
    /// </summary>
    private static bool EndsEarly(in ReadOnlySequence<byte> input, JsonReaderState state)
    {
        var probe = new Utf8JsonReader(input, isFinalBlock: false, state);
        try
        {
            while (probe.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The reader counts positions within a line across pieces; on the first line that is the document offset.
    /// Past it, the start of the token that failed is the best offset known.
    /// </summary>
    private static long ErrorOffset(JsonException e, long tokenStart) =>
        e.LineNumber == 0 && e.BytePositionInLine is { } position ? position : tokenStart;

    private static string InvalidJsonReason(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } position
            ? $"invalid JSON at line {line + 1}, byte {position + 1} of that line"
            : "invalid JSON";

    private MaskStatus FailStatus(MaskStatus status, long offset, string reason)
    {
        Fail(status, offset, reason);
        return status;
    }

    private MaskError Fail(MaskStatus status, long offset, string reason)
    {
        _error = new MaskError(status, offset, reason);
        return _error;
    }

    public void Dispose()
    {
        _decoded.Dispose();
        _masked.Dispose();
        _restored.Dispose();
        _pendingGap.Dispose();
        _embedded?.Dispose();
        _embeddedInput?.Dispose();
        _embeddedOutput?.Dispose();
    }

    private struct Frame(bool isArray)
    {
        public readonly bool IsArray = isArray;

        /// <summary>Next element index (arrays).</summary>
        public int Index;

        /// <summary>Members or elements written so far: the next one needs a comma before it unless this is 0.</summary>
        public int Emitted;
    }
}
