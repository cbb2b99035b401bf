namespace FastMask.Masking.Detection;

/// <summary>
/// A match reported by an <see cref="IPatternScanner"/>: the index of the pattern in the scanner's
/// pattern list and the byte span <c>[Start, End)</c> in the UTF-8 text that was scanned.
/// </summary>
public readonly record struct RawMatch(int Pattern, int Start, int End)
{
    public int Length => End - Start;
}
