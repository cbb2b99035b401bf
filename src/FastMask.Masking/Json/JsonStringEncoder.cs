using System.Buffers;

namespace FastMask.Masking.Json;

/// <summary>Writes UTF-8 text as a JSON string literal: quotes, backslash and control characters escaped (RFC 8259 §7).</summary>
internal static class JsonStringEncoder
{
    private static readonly SearchValues<byte> s_needsEscape = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    public static void WriteQuoted(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(utf8.Length + 2);
        span[0] = (byte)'"';
        var i = utf8.IndexOfAny(s_needsEscape);
        if (i < 0 && span.Length >= utf8.Length + 2)
        {
            utf8.CopyTo(span[1..]);
            span[utf8.Length + 1] = (byte)'"';
            output.Advance(utf8.Length + 2);
            return;
        }

        output.Advance(1);
        while (!utf8.IsEmpty)
        {
            i = utf8.IndexOfAny(s_needsEscape);
            var run = i < 0 ? utf8 : utf8[..i];
            output.Write(run);
            if (i < 0)
            {
                break;
            }

            WriteEscape(utf8[i], output);
            utf8 = utf8[(i + 1)..];
        }

        output.GetSpan(1)[0] = (byte)'"';
        output.Advance(1);
    }

    private static void WriteEscape(byte b, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        byte simple = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\t' => (byte)'t',
            (byte)'\b' => (byte)'b',
            (byte)'\f' => (byte)'f',
            _ => 0,
        };
        if (simple != 0)
        {
            span[1] = simple;
            output.Advance(2);
            return;
        }

        span[1] = (byte)'u';
        span[2] = (byte)'0';
        span[3] = (byte)'0';
        span[4] = Hex[b >> 4];
        span[5] = Hex[b & 0xF];
        output.Advance(6);
    }
}
