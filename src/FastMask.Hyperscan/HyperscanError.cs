namespace FastMask.Hyperscan;

/// <summary>The <c>hs_error_t</c> values of hs_common.h.</summary>
public enum HyperscanError
{
    Success = 0,
    Invalid = -1,
    NoMemory = -2,
    ScanTerminated = -3,
    CompilerError = -4,
    DatabaseVersionError = -5,
    DatabasePlatformError = -6,
    DatabaseModeError = -7,
    BadAlign = -8,
    BadAlloc = -9,
    ScratchInUse = -10,
    ArchitectureError = -11,
    InsufficientSpace = -12,
    UnknownError = -13,
}

public static class HyperscanErrorExtensions
{
    /// <summary>The C name of the error (<c>HS_COMPILER_ERROR</c>), as found in the Hyperscan documentation.</summary>
    public static string NativeName(this HyperscanError error) => error switch
    {
        HyperscanError.Success => "HS_SUCCESS",
        HyperscanError.Invalid => "HS_INVALID",
        HyperscanError.NoMemory => "HS_NOMEM",
        HyperscanError.ScanTerminated => "HS_SCAN_TERMINATED",
        HyperscanError.CompilerError => "HS_COMPILER_ERROR",
        HyperscanError.DatabaseVersionError => "HS_DB_VERSION_ERROR",
        HyperscanError.DatabasePlatformError => "HS_DB_PLATFORM_ERROR",
        HyperscanError.DatabaseModeError => "HS_DB_MODE_ERROR",
        HyperscanError.BadAlign => "HS_BAD_ALIGN",
        HyperscanError.BadAlloc => "HS_BAD_ALLOC",
        HyperscanError.ScratchInUse => "HS_SCRATCH_IN_USE",
        HyperscanError.ArchitectureError => "HS_ARCH_ERROR",
        HyperscanError.InsufficientSpace => "HS_INSUFFICIENT_SPACE",
        HyperscanError.UnknownError => "HS_UNKNOWN_ERROR",
        _ => "HS_ERROR(" + ((int)error).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
    };
}
