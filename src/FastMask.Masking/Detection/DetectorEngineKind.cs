namespace FastMask.Masking.Detection;

/// <summary>Which regular-expression engine runs the detectors.</summary>
public enum DetectorEngineKind
{
    /// <summary>Hyperscan when <c>libhs.so.5</c> loads on a supported CPU, the .NET Regex engine otherwise.</summary>
    Auto = 0,

    /// <summary>Hyperscan (libhs) in block mode; start-up fails when the library cannot be loaded.</summary>
    Hyperscan = 1,

    /// <summary>.NET <see cref="System.Text.RegularExpressions.Regex"/>: always available, slower.</summary>
    Regex = 2,
}
