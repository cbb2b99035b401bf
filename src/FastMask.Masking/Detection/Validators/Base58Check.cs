using System.Security.Cryptography;

namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// Bitcoin legacy addresses (P2PKH version 0x00, P2SH version 0x05): Base58 decoding to exactly 25 bytes whose
/// last four are the first four of the double SHA-256 of the first 21.
/// </summary>
internal static class Base58Check
{
    private const int PayloadLength = 21;
    private const int DecodedLength = PayloadLength + 4;

    private static ReadOnlySpan<byte> Alphabet => "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"u8;

    public static bool IsValidBitcoinAddress(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 26 or > 35)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[DecodedLength];
        if (!TryDecode(text, decoded))
        {
            return false;
        }

        var version = decoded[0];
        if (version is not (0x00 or 0x05))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(decoded[..PayloadLength], hash);
        SHA256.HashData(hash, hash);
        return hash[..4].SequenceEqual(decoded[PayloadLength..]);
    }

    /// <summary>Decodes <paramref name="text"/> into exactly <paramref name="output"/>.Length bytes, big-endian.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, Span<byte> output)
    {
        output.Clear();
        foreach (var c in text)
        {
            var carry = Alphabet.IndexOf(c);
            if (carry < 0)
            {
                return false;
            }

            for (var j = output.Length - 1; j >= 0; j--)
            {
                carry += 58 * output[j];
                output[j] = (byte)carry;
                carry >>= 8;
            }

            if (carry != 0)
            {
                return false;
            }
        }

        // Each leading '1' stands for one leading zero byte, and only those may be zero.
        var ones = 0;
        while (ones < text.Length && text[ones] == '1')
        {
            ones++;
        }

        var zeros = 0;
        while (zeros < output.Length && output[zeros] == 0)
        {
            zeros++;
        }

        return ones == zeros;
    }
}
