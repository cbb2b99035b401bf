using System.Buffers;
using System.Globalization;
using System.Text;

namespace FastMask.Masking.Operators;

/// <summary>
/// The tokens of one call: <c>[EMAIL_ADDRESS_1]</c> for the first distinct e-mail address, the same token again
/// for the same value, and the way back from token to value for <see cref="Restore"/>. A vault belongs to one
/// exchange: it is never shared between callers and never persisted.
/// </summary>
public sealed class TokenVault
{
    /// <summary>Longest token <see cref="Restore"/> looks for: a name of up to 64 characters, '_', 10 digits, brackets.</summary>
    private const int MaxTokenLength = 77;

    private readonly Dictionary<string, byte[]> _tokenByValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _valueByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _counters = [];

    /// <summary>Distinct values tokenized so far.</summary>
    public int Count => _valueByToken.Count;

    /// <summary>Returns the token for <paramref name="value"/> of <paramref name="entity"/>, numbering a new one when needed.</summary>
    public byte[] GetOrAddToken(int entity, ReadOnlySpan<byte> entityName, ReadOnlySpan<byte> value)
    {
        // Key: the entity index as one char, then the value; alternate lookup keeps repeated values allocation-free.
        var charCount = Encoding.UTF8.GetMaxCharCount(value.Length) + 1;
        char[]? rented = null;
        var keyBuffer = charCount <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(charCount));
        try
        {
            keyBuffer[0] = (char)entity;
            var written = Encoding.UTF8.GetChars(value, keyBuffer[1..]) + 1;
            ReadOnlySpan<char> key = keyBuffer[..written];
            var lookup = _tokenByValue.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(key, out var existing))
            {
                return existing;
            }

            _counters.TryGetValue(entity, out var n);
            _counters[entity] = ++n;
            var token = BuildToken(entityName, n);
            lookup[key] = token;
            _valueByToken[Encoding.ASCII.GetString(token)] = value.ToArray();
            return token;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static byte[] BuildToken(ReadOnlySpan<byte> entityName, int n)
    {
        Span<byte> digits = stackalloc byte[11];
        n.TryFormat(digits, out var digitCount, default, CultureInfo.InvariantCulture);
        var token = new byte[entityName.Length + digitCount + 3];
        token[0] = (byte)'[';
        entityName.CopyTo(token.AsSpan(1));
        token[entityName.Length + 1] = (byte)'_';
        digits[..digitCount].CopyTo(token.AsSpan(entityName.Length + 2));
        token[^1] = (byte)']';
        return token;
    }

    /// <summary>The original value of <paramref name="token"/> (brackets included), if this vault made it.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> token, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (token.Length is < 4 or > MaxTokenLength || _valueByToken.Count == 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxTokenLength];
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] >= 0x80)
            {
                return false;
            }

            chars[i] = (char)token[i];
        }

        if (_valueByToken.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..token.Length], out var original))
        {
            value = original;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Writes <paramref name="text"/> with every token of this vault replaced by its original value, and returns
    /// true; returns false and writes nothing when the text holds none of them.
    /// </summary>
    public bool Restore(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        if (_valueByToken.Count == 0)
        {
            return false;
        }

        var copied = 0;
        var any = false;
        var i = text.IndexOf((byte)'[');
        while (i >= 0)
        {
            var rest = text[(i + 1)..];
            var close = rest[..Math.Min(rest.Length, MaxTokenLength - 1)].IndexOf((byte)']');
            if (close > 0 && TryGetValue(text.Slice(i, close + 2), out var original))
            {
                output.Write(text[copied..i]);
                output.Write(original);
                any = true;
                copied = i + close + 2;
                var next = text[copied..].IndexOf((byte)'[');
                i = next < 0 ? -1 : copied + next;
            }
            else
            {
                var next = rest.IndexOf((byte)'[');
                i = next < 0 ? -1 : i + 1 + next;
            }
        }

        if (any)
        {
            output.Write(text[copied..]);
        }

        return any;
    }

    /// <summary>Longest token this vault has handed out, in bytes (what a stream must hold back to restore across pieces).</summary>
    public static int MaxTokenBytes => MaxTokenLength;

    public void Clear()
    {
        _tokenByValue.Clear();
        _valueByToken.Clear();
        _counters.Clear();
    }
}
