using System.Buffers;
using System.Security.Cryptography;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Operators;

/// <summary>Applies operators: to a whole value (a field rule) or to the entities detected inside a text.</summary>
internal static class ValueMasker
{
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>The action for <paramref name="entity"/>, or null when the caller is exempt from its level in this direction.</summary>
    public static EntityAction? ActionFor(MaskContext context, MaskDirection direction, int entity)
    {
        var action = context.Policy.Plan.For(direction)[entity];
        if (direction == MaskDirection.Response && action.Level < 64 && (context.ExemptResponseLevels & (1UL << action.Level)) != 0)
        {
            return null;
        }

        return action;
    }

    /// <summary>Writes what replaces <paramref name="value"/> (raw UTF-8 text, not JSON-encoded).</summary>
    public static void WriteReplacement(MaskContext context, EntityAction action, int entity, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        switch (action.Kind)
        {
            case OperatorKind.Keep:
                output.Write(value);
                break;
            case OperatorKind.Redact:
                output.Write(action.Placeholder);
                break;
            case OperatorKind.Remove:
                break;
            case OperatorKind.Partial:
                WritePartial(action, value, output);
                break;
            case OperatorKind.Hash:
                WriteHash(context.Policy.HashKey, action.HashLength, value, output);
                break;
            case OperatorKind.Tokenize:
                output.Write(context.Vault.GetOrAddToken(entity, action.EntityName, value));
                break;
            default:
                throw new InvalidOperationException("unknown operator");
        }
    }

    /// <summary>
    /// Detects entities in <paramref name="text"/> and writes the text with each one replaced by its operator.
    /// Returns false, having written nothing, when no entity needs a change. Counts every entity found.
    /// </summary>
    public static bool MaskText(MaskContext context, MaskDirection direction, ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        var matches = context.Matches;
        context.Policy.Detector.Detect(text, matches);
        if (matches.Count == 0)
        {
            return false;
        }

        var stats = context.StatsFor(direction);
        var changes = false;
        foreach (var m in matches.Items)
        {
            stats.Add(m.Entity);
            changes |= ActionFor(context, direction, m.Entity) is { Kind: not OperatorKind.Keep };
        }

        if (!changes)
        {
            return false;
        }

        WriteMasked(context, direction, text, matches.Items, output);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="text"/> with each of <paramref name="matches"/> (sorted by start, not overlapping, spans
    /// inside the text) replaced by its operator; a match the caller keeps or is exempt from is copied. Counts nothing.
    /// </summary>
    public static void WriteMasked(MaskContext context, MaskDirection direction, ReadOnlySpan<byte> text, ReadOnlySpan<EntityMatch> matches, IBufferWriter<byte> output)
    {
        var copied = 0;
        foreach (var m in matches)
        {
            var action = ActionFor(context, direction, m.Entity);
            if (action is null || action.Kind == OperatorKind.Keep)
            {
                continue;
            }

            output.Write(text[copied..m.Start]);
            WriteReplacement(context, action, m.Entity, text[m.Start..m.End], output);
            copied = m.End;
        }

        output.Write(text[copied..]);
    }

    private static void WritePartial(EntityAction action, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        // Count code points (UTF-8 lead bytes), so a multi-byte character is kept or masked whole.
        var codePoints = 0;
        foreach (var b in value)
        {
            if ((b & 0xC0) != 0x80)
            {
                codePoints++;
            }
        }

        var mask = Math.Max(0, codePoints - action.KeepLast);
        var keepFrom = value.Length;
        var seen = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if ((value[i] & 0xC0) != 0x80)
            {
                if (seen == mask)
                {
                    keepFrom = i;
                    break;
                }

                seen++;
            }
        }

        for (var i = 0; i < mask; i++)
        {
            output.Write(action.MaskChar);
        }

        output.Write(value[keepFrom..]);
    }

    private static void WriteHash(byte[]? key, int length, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        if (key is null)
        {
            throw new InvalidOperationException("The policy hashes values but has no hash key; the compiler must reject it.");
        }

        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(key, value, digest);
        var span = output.GetSpan(length);
        for (var i = 0; i < length; i++)
        {
            var b = digest[i >> 1];
            span[i] = HexDigits[(i & 1) == 0 ? b >> 4 : b & 0xF];
        }

        output.Advance(length);
    }
}
