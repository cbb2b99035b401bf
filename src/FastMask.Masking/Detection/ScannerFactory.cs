namespace FastMask.Masking.Detection;

/// <summary>Chooses and builds the detector engine.</summary>
public static class ScannerFactory
{
    /// <summary>Environment variable that forces the engine: <c>hyperscan</c>, <c>regex</c> or <c>auto</c>.</summary>
    public const string EngineEnvironmentVariable = "FASTMASK_DETECTOR_ENGINE";

    /// <summary>
    /// Resolves <see cref="DetectorEngineKind.Auto"/> to a concrete engine: Hyperscan when libhs loads on this
    /// CPU, Regex otherwise. An explicit Hyperscan request on a machine without libhs throws, so a deployment
    /// that asked for it never silently runs slower.
    /// </summary>
    public static DetectorEngineKind Resolve(DetectorEngineKind requested)
    {
        switch (requested)
        {
            case DetectorEngineKind.Regex:
                return DetectorEngineKind.Regex;
            case DetectorEngineKind.Hyperscan:
                if (!HyperscanScanner.IsAvailable(out var reason))
                {
                    throw new PatternCompileException($"the Hyperscan engine was requested but is not available: {reason}");
                }

                return DetectorEngineKind.Hyperscan;
            default:
                return HyperscanScanner.IsAvailable(out _) ? DetectorEngineKind.Hyperscan : DetectorEngineKind.Regex;
        }
    }

    /// <summary>Parses an engine name as given in options and <see cref="EngineEnvironmentVariable"/>.</summary>
    public static bool TryParse(string? text, out DetectorEngineKind engine)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                engine = DetectorEngineKind.Auto;
                return true;
            case "hyperscan" or "hs":
                engine = DetectorEngineKind.Hyperscan;
                return true;
            case "regex":
                engine = DetectorEngineKind.Regex;
                return true;
            default:
                engine = DetectorEngineKind.Auto;
                return false;
        }
    }

    /// <summary>The engine requested by <see cref="EngineEnvironmentVariable"/>, or <paramref name="fallback"/> when unset.</summary>
    public static DetectorEngineKind FromEnvironment(DetectorEngineKind fallback = DetectorEngineKind.Auto)
    {
        var value = Environment.GetEnvironmentVariable(EngineEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return TryParse(value, out var engine)
            ? engine
            : throw new ArgumentException($"{EngineEnvironmentVariable} must be 'auto', 'hyperscan' or 'regex'.");
    }

    internal static IPatternScanner Create(IReadOnlyList<PatternSpec> patterns, DetectorEngineKind engine) =>
        Resolve(engine) == DetectorEngineKind.Hyperscan ? new HyperscanScanner(patterns) : new RegexScanner(patterns);
}
