using System.Runtime.InteropServices;
using System.Text;

namespace FastMask.Hyperscan;

/// <summary>What Hyperscan's analysis says about one expression (<c>hs_expression_info</c>).</summary>
/// <param name="MinWidth">The fewest bytes a match can span.</param>
/// <param name="MaxWidth">The most bytes a match can span; <see cref="uint.MaxValue"/> when unbounded.</param>
/// <param name="UnorderedMatches">Whether matches may be reported out of end-offset order (assertions).</param>
/// <param name="MatchesAtEndOfData">Whether a match can depend on the end of the data (<c>$</c>, a trailing <c>\b</c>).</param>
/// <param name="MatchesOnlyAtEndOfData">Whether every match ends at the end of the data.</param>
public readonly record struct HyperscanExpressionInfo(
    uint MinWidth,
    uint MaxWidth,
    bool UnorderedMatches,
    bool MatchesAtEndOfData,
    bool MatchesOnlyAtEndOfData)
{
    /// <summary>Analyses <paramref name="pattern"/> compiled with <paramref name="flags"/>; throws <see cref="HyperscanCompileException"/> if it does not compile.</summary>
    public static unsafe HyperscanExpressionInfo Analyze(string pattern, HyperscanFlags flags)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Contains('\0', StringComparison.Ordinal))
        {
            throw new HyperscanCompileException(0, "the expression contains a NUL character; write it as \\x00");
        }

        HyperscanLibrary.EnsureAvailable();
        var text = new byte[Encoding.UTF8.GetByteCount(pattern) + 1];
        Encoding.UTF8.GetBytes(pattern, text);

        HyperscanNative.ExpressionInfo* info = null;
        HyperscanNative.CompileError* error = null;
        int code;
        fixed (byte* textPtr = text)
        {
            code = HyperscanNative.hs_expression_info(textPtr, (uint)flags, &info, &error);
        }

        if (code != 0)
        {
            throw HyperscanNative.CompileFailure("hs_expression_info", code, error);
        }

        try
        {
            return new HyperscanExpressionInfo(
                info->MinWidth, info->MaxWidth, info->UnorderedMatches != 0, info->MatchesAtEod != 0, info->MatchesOnlyAtEod != 0);
        }
        finally
        {
            // libhs allocates it with malloc (no custom allocator is installed).
            NativeMemory.Free(info);
        }
    }
}
