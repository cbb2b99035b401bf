using System.Runtime.InteropServices;

namespace FastMask.Hyperscan;

/// <summary>Whether libhs can be used in this process, and which version it is.</summary>
/// <remarks>Not named <c>Hyperscan</c>: a type of that name would be shadowed by this namespace in FastMask code.</remarks>
public static class HyperscanLibrary
{
    /// <summary>
    /// True when libhs loads and <c>hs_valid_platform</c> accepts this CPU (Hyperscan needs at least SSSE3);
    /// otherwise <paramref name="reason"/> says why. Probed once per process; never throws.
    /// </summary>
    public static bool IsAvailable(out string? reason)
    {
        reason = Probe.Reason;
        return Probe.Available;
    }

    /// <summary>The libhs version string, such as <c>5.4.0 2021-01-26</c>.</summary>
    /// <exception cref="InvalidOperationException">libhs is not available (see <see cref="IsAvailable"/>).</exception>
    public static string Version =>
        Probe.Version ?? throw new InvalidOperationException("Hyperscan is not available: " + Probe.Reason);

    internal static void EnsureAvailable()
    {
        if (!Probe.Available)
        {
            ThrowUnavailable();
        }
    }

    private static void ThrowUnavailable() =>
        throw new InvalidOperationException("Hyperscan is not available: " + Probe.Reason);

    private static class Probe
    {
        internal static readonly bool Available;
        internal static readonly string? Reason;
        internal static readonly string? Version;

        static Probe()
        {
            try
            {
                string? version;
                unsafe
                {
                    version = Marshal.PtrToStringUTF8((nint)HyperscanNative.hs_version());
                }

                var code = HyperscanNative.hs_valid_platform();
                if (code != 0)
                {
                    Reason = $"hs_valid_platform returned {((HyperscanError)code).NativeName()}: this CPU lacks the instructions libhs {version} needs";
                    return;
                }

                Version = version;
                Available = true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                Reason = $"libhs could not be loaded (install libhyperscan5): {e.Message}";
            }
            catch (Exception e)
            {
                // Whatever else goes wrong while probing, the answer is "not available", never an exception.
                Reason = $"libhs could not be probed: {e.GetType().Name}: {e.Message}";
            }
        }
    }
}
