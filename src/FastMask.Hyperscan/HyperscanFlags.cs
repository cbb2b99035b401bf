namespace FastMask.Hyperscan;

/// <summary>Per-expression compile flags (<c>HS_FLAG_*</c> in hs_compile.h).</summary>
[Flags]
public enum HyperscanFlags : uint
{
    None = 0,

    /// <summary>HS_FLAG_CASELESS.</summary>
    Caseless = 1,

    /// <summary>HS_FLAG_DOTALL: <c>.</c> also matches a newline.</summary>
    DotAll = 2,

    /// <summary>HS_FLAG_MULTILINE: <c>^</c> and <c>$</c> match at newlines.</summary>
    MultiLine = 4,

    /// <summary>HS_FLAG_SINGLEMATCH: report only the first match of the expression.</summary>
    SingleMatch = 8,

    /// <summary>HS_FLAG_ALLOWEMPTY: accept an expression that can match the empty string.</summary>
    AllowEmpty = 16,

    /// <summary>HS_FLAG_UTF8: the expression and the scanned data are UTF-8.</summary>
    Utf8 = 32,

    /// <summary>HS_FLAG_UCP: Unicode properties for <c>\w</c>, <c>\s</c> and friends (needs <see cref="Utf8"/>).</summary>
    Ucp = 64,

    /// <summary>HS_FLAG_PREFILTER.</summary>
    Prefilter = 128,

    /// <summary>HS_FLAG_SOM_LEFTMOST: report the leftmost start of each match.</summary>
    SomLeftmost = 256,
}
