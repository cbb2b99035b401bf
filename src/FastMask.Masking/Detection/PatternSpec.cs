using System.Text.RegularExpressions;

namespace FastMask.Masking.Detection;

/// <summary>
/// What may stand directly before or after a match for it to count. Patterns are written without
/// lookarounds (Hyperscan has none), so word edges are checked on the bytes around the span after the scan.
/// </summary>
public enum BoundaryClass
{
    /// <summary>Anything may stand next to the match.</summary>
    None = 0,

    /// <summary>No ASCII digit next to the match.</summary>
    Digit,

    /// <summary>No ASCII letter or digit next to the match.</summary>
    AlphaNumeric,

    /// <summary>No ASCII letter, digit or underscore next to the match.</summary>
    Word,

    /// <summary>No ASCII letter, digit, underscore or hyphen next to the match (API keys and tokens).</summary>
    Token,
}

/// <summary>The check that runs on a match's bytes after the scan; a match that fails it is dropped.</summary>
public enum ValidatorKind
{
    None = 0,
    Luhn,
    UsSsn,
    Iban,
    AbaRouting,
    CryptoWallet,
    UkNhs,
    IpAddress,
    MacAddress,
    PhoneNumber,
    Email,
    UrlWithCredentials,
    Jwt,
    DateOfBirth,

    /// <summary>40 base64 characters that mix upper case, lower case and digits (rules out hex digests).</summary>
    AwsSecretKey,
}

/// <summary>
/// One detector pattern. <see cref="Expression"/> is written in the subset that Hyperscan and .NET share:
/// no lookarounds, no backreferences, no lazy quantifiers, explicit ASCII classes (<c>[0-9]</c>, never
/// <c>\d</c>), alternatives ordered so that greedy matching gives the longest match.
/// </summary>
public sealed record PatternSpec(string Expression)
{
    public bool CaseInsensitive { get; init; }

    public BoundaryClass LeftBoundary { get; init; }

    public BoundaryClass RightBoundary { get; init; }

    public ValidatorKind Validator { get; init; }

    /// <summary>
    /// When set, a match counts only if one of these keywords (ASCII, compared case-insensitively) occurs in
    /// the <see cref="ContextWindow"/> bytes before it. Used where the shape alone is too common
    /// (AWS secret keys, bare routing numbers).
    /// </summary>
    public IReadOnlyList<string>? ContextKeywords { get; init; }

    /// <summary>Bytes before the match searched for <see cref="ContextKeywords"/>. Default 64.</summary>
    public int ContextWindow { get; init; } = 64;

    /// <summary>
    /// The source-generated <see cref="Regex"/> for a built-in pattern (same expression); custom patterns
    /// leave it null and are constructed at compile time.
    /// </summary>
    public Func<Regex>? Generated { get; init; }
}

/// <summary>A pattern bound to the entity it detects (an index into the compiled policy's entity table).</summary>
public readonly record struct DetectorDefinition(int Entity, PatternSpec Pattern);

/// <summary>A detected entity: the entity index and the byte span <c>[Start, End)</c> in the scanned UTF-8 text.</summary>
public readonly record struct EntityMatch(int Entity, int Start, int End)
{
    public int Length => End - Start;
}
