using System.Runtime.InteropServices;

namespace FastMask.Gateway.Serve;

/// <summary>Gives memory that start-up needed, and nothing needs any more, back to the operating system.</summary>
internal static class ProcessMemory
{
    /// <summary>
    /// After the background Hyperscan compile: its compiler allocates megabytes of temporary C heap, which glibc keeps
    /// mapped once freed (in the compile thread's own arena), and the replaced Regex-engine policy is managed garbage
    /// that an idle gateway would not collect for a long time. Together about 10 MB of resident memory (measured with
    /// the default policy). Called once, off the request path; the collection takes a few milliseconds.
    /// </summary>
    public static void ReleaseStartupMemory()
    {
        // Aggressive: also gives the GC's free regions back to the OS, which a normal gen2 collection keeps committed.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
    }

    /// <summary>Returns the C heap's free pages to the OS (what a Hyperscan compile at start-up left behind).</summary>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to trim this way.
        }
    }

    // A plain DllImport: the signature is blittable (no marshalling stub), and LibraryImport would need unsafe code in
    // this project, which the native binding alone may have.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
