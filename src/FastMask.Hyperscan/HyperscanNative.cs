using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastMask.Hyperscan;

/// <summary>The native entry points of libhs used by FastMask (hs_common.h, hs_compile.h, hs_runtime.h).</summary>
/// <remarks>
/// Handles that libhs creates are returned through <c>nint*</c> rather than <c>out SafeHandle</c>: the caller must
/// pass a zeroed slot (hs_alloc_scratch reads it to decide between allocating and growing), and a raw slot that
/// the wrapper zeroes itself keeps that true under <c>SkipLocalsInit</c>.
/// </remarks>
internal static unsafe partial class HyperscanNative
{
    internal const string LibraryName = "hs";

    internal const uint ModeBlock = 1;

    /// <summary>
    /// Debian's runtime package ships only <c>libhs.so.5</c>; the unversioned name exists only with the -dev
    /// package, so the versioned name is tried first.
    /// </summary>
    private static readonly string[] s_candidates = ["libhs.so.5", "libhs.so"];

    static HyperscanNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(HyperscanNative).Assembly, Resolve);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return 0;
        }

        foreach (var candidate in s_candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        // Zero falls back to the runtime's own probing for "hs" (hs.dll, libhs.dylib).
        return 0;
    }

    /// <summary>hs_compile_error_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CompileError
    {
        public byte* Message;
        public int Expression;
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* hs_version();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_valid_platform();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_compile_multi(
        byte** expressions,
        uint* flags,
        uint* ids,
        uint elements,
        uint mode,
        void* platform,
        nint* database,
        CompileError** error);

    /// <summary>hs_expr_info_t; allocated with malloc by libhs, freed by the caller.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ExpressionInfo
    {
        public uint MinWidth;
        public uint MaxWidth;
        public byte UnorderedMatches;
        public byte MatchesAtEod;
        public byte MatchesOnlyAtEod;
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_free_compile_error(CompileError* error);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_expression_info(byte* expression, uint flags, ExpressionInfo** info, CompileError** error);

    /// <summary>Turns a failed compile call into its exception and frees the native error.</summary>
    internal static HyperscanException CompileFailure(string function, int code, CompileError* error)
    {
        if (error is null)
        {
            return HyperscanException.ForCall(function, code);
        }

        var message = Marshal.PtrToStringUTF8((nint)error->Message) ?? "unknown compile error";
        var index = error->Expression;
        _ = hs_free_compile_error(error);
        return new HyperscanCompileException(index, message);
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_free_database(nint database);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_alloc_scratch(DatabaseHandle database, nint* scratch);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_clone_scratch(ScratchHandle source, nint* destination);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_free_scratch(nint scratch);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int hs_scan(
        DatabaseHandle database,
        byte* data,
        uint length,
        uint flags,
        ScratchHandle scratch,
        delegate* unmanaged[Cdecl]<uint, ulong, ulong, uint, void*, int> onEvent,
        void* context);
}
