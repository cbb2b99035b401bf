using System.Runtime.InteropServices;

namespace FastMask.Hyperscan;

/// <summary>An <c>hs_database_t*</c>, freed with hs_free_database.</summary>
internal sealed class DatabaseHandle : SafeHandle
{
    public DatabaseHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal void Attach(nint value) => SetHandle(value);

    protected override bool ReleaseHandle() => HyperscanNative.hs_free_database(handle) == 0;
}

/// <summary>An <c>hs_scratch_t*</c>, freed with hs_free_scratch.</summary>
internal sealed class ScratchHandle : SafeHandle
{
    public ScratchHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal void Attach(nint value) => SetHandle(value);

    protected override bool ReleaseHandle() => HyperscanNative.hs_free_scratch(handle) == 0;
}
