namespace FastMask.Masking.Detection.Validators;

/// <summary>Cryptocurrency addresses: Bitcoin Bech32/Bech32m (bc1…), Bitcoin Base58Check (1…, 3…), Ethereum (0x + 40 hex).</summary>
internal static class CryptoWallet
{
    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        if (text.Length > 2 && text[0] == '0' && (text[1] | 0x20) == 'x')
        {
            return IsValidEthereum(text[2..]);
        }

        if (text.Length > 3 && (text[0] | 0x20) == 'b' && (text[1] | 0x20) == 'c' && text[2] == '1')
        {
            return Bech32.IsValidSegwitAddress(text, "bc"u8);
        }

        return Base58Check.IsValidBitcoinAddress(text);
    }

    // EIP-55 mixed-case checksums need Keccak-256, which the platform does not provide; the shape is checked,
    // and the zero address (a burn address, no one's account) is not an entity.
    private static bool IsValidEthereum(ReadOnlySpan<byte> hex)
    {
        if (hex.Length != 40)
        {
            return false;
        }

        foreach (var b in hex)
        {
            if (!Digits.IsHex(b))
            {
                return false;
            }
        }

        return hex.ContainsAnyExcept((byte)'0');
    }
}
