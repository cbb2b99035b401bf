namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// Segregated-witness addresses (BIP 173 Bech32 for version 0, BIP 350 Bech32m for versions 1-16): one case
/// throughout, the checksum over the expanded human-readable part and data, and a witness program of a valid length.
/// </summary>
internal static class Bech32
{
    private const uint Bech32Constant = 1;
    private const uint Bech32mConstant = 0x2bc830a3;

    private static ReadOnlySpan<byte> Charset => "qpzry9x8gf2tvdw0s3jn54khce6mua7l"u8;

    private static readonly uint[] s_generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static bool IsValidSegwitAddress(ReadOnlySpan<byte> text, ReadOnlySpan<byte> expectedHrp)
    {
        if (text.Length is < 14 or > 90)
        {
            return false;
        }

        var separator = text.LastIndexOf((byte)'1');
        if (separator != expectedHrp.Length || text.Length - separator - 1 < 7)
        {
            return false;
        }

        bool lower = false, upper = false;
        foreach (var b in text)
        {
            lower |= (uint)(b - 'a') <= 'z' - 'a';
            upper |= (uint)(b - 'A') <= 'Z' - 'A';
        }

        if (lower && upper)
        {
            return false;
        }

        var hrp = text[..separator];
        for (var i = 0; i < hrp.Length; i++)
        {
            if ((hrp[i] | 0x20) != expectedHrp[i])
            {
                return false;
            }
        }

        var dataText = text[(separator + 1)..];
        Span<byte> data = stackalloc byte[dataText.Length];
        for (var i = 0; i < dataText.Length; i++)
        {
            var c = dataText[i];
            var value = Charset.IndexOf(Digits.IsLetter(c) ? (byte)(c | 0x20) : c);
            if (value < 0)
            {
                return false;
            }

            data[i] = (byte)value;
        }

        var constant = Polymod(expectedHrp, data);
        var version = data[0];
        if (version > 16 || constant != (version == 0 ? Bech32Constant : Bech32mConstant))
        {
            return false;
        }

        var programLength = ProgramLength(data[1..^6]);
        return version == 0 ? programLength is 20 or 32 : programLength is >= 2 and <= 40;
    }

    private static uint Polymod(ReadOnlySpan<byte> hrp, ReadOnlySpan<byte> data)
    {
        uint chk = 1;
        foreach (var c in hrp)
        {
            chk = Step(chk) ^ (uint)(c >> 5);
        }

        chk = Step(chk);
        foreach (var c in hrp)
        {
            chk = Step(chk) ^ (uint)(c & 31);
        }

        foreach (var v in data)
        {
            chk = Step(chk) ^ v;
        }

        return chk;
    }

    private static uint Step(uint chk)
    {
        var top = chk >> 25;
        chk = (chk & 0x1ffffff) << 5;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                chk ^= s_generator[i];
            }
        }

        return chk;
    }

    /// <summary>Bytes in the program regrouped from 5-bit values; -1 when the padding is over 4 bits or not zero.</summary>
    private static int ProgramLength(ReadOnlySpan<byte> fiveBit)
    {
        var acc = 0;
        var bits = 0;
        var length = 0;
        foreach (var v in fiveBit)
        {
            acc = ((acc << 5) | v) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                length++;
            }
        }

        return bits >= 5 || (acc & ((1 << bits) - 1)) != 0 ? -1 : length;
    }
}
