namespace FastMask.Masking.Detection;

/// <summary>A detector pattern that an engine refused to compile; <see cref="PatternIndex"/> says which one.</summary>
public sealed class PatternCompileException : Exception
{
    public PatternCompileException()
    {
    }

    public PatternCompileException(string message)
        : base(message)
    {
    }

    public PatternCompileException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PatternCompileException(int patternIndex, string message, Exception? inner = null)
        : base(message, inner)
    {
        PatternIndex = patternIndex;
    }

    /// <summary>Index of the failing pattern in the list given to the engine; -1 when the failure is not one pattern's.</summary>
    public int PatternIndex { get; } = -1;
}
