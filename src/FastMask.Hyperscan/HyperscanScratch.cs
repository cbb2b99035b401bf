namespace FastMask.Hyperscan;

/// <summary>
/// Scratch space for one scan at a time (<c>hs_scratch_t</c>). Created for a database by
/// <see cref="HyperscanDatabase.CreateScratch"/>; give every thread its own with <see cref="Clone"/>.
/// </summary>
public sealed class HyperscanScratch : IDisposable
{
    internal HyperscanScratch(ScratchHandle handle)
    {
        Handle = handle;
    }

    internal ScratchHandle Handle { get; }

    /// <summary>A new scratch usable with the same databases as this one (<c>hs_clone_scratch</c>).</summary>
    public unsafe HyperscanScratch Clone()
    {
        var handle = new ScratchHandle();
        nint raw = 0;
        var code = HyperscanNative.hs_clone_scratch(Handle, &raw);
        if (code != 0)
        {
            handle.Dispose();
            throw HyperscanException.ForCall("hs_clone_scratch", code);
        }

        handle.Attach(raw);
        return new HyperscanScratch(handle);
    }

    public void Dispose() => Handle.Dispose();
}
