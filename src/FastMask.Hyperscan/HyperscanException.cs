namespace FastMask.Hyperscan;

/// <summary>A libhs call that returned an error; <see cref="Error"/> says which.</summary>
public class HyperscanException : Exception
{
    public HyperscanException()
    {
    }

    public HyperscanException(string message)
        : base(message)
    {
    }

    public HyperscanException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HyperscanException(HyperscanError error, string message)
        : base(message)
    {
        Error = error;
    }

    public HyperscanError Error { get; } = HyperscanError.UnknownError;

    internal static HyperscanException ForCall(string function, int code)
    {
        var error = (HyperscanError)code;
        return new HyperscanException(error, $"{function} failed: {error.NativeName()} ({code})");
    }
}

/// <summary>hs_compile_multi refused the expressions; <see cref="ExpressionIndex"/> names the one at fault.</summary>
public sealed class HyperscanCompileException : HyperscanException
{
    public HyperscanCompileException()
    {
    }

    public HyperscanCompileException(string message)
        : base(message)
    {
    }

    public HyperscanCompileException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HyperscanCompileException(int expressionIndex, string compilerMessage)
        : base(
            HyperscanError.CompilerError,
            expressionIndex >= 0
                ? $"HS_COMPILER_ERROR: expression {expressionIndex}: {compilerMessage}"
                : $"HS_COMPILER_ERROR: {compilerMessage}")
    {
        ExpressionIndex = expressionIndex;
        CompilerMessage = compilerMessage;
    }

    /// <summary>
    /// Index in the list given to <see cref="HyperscanDatabase.Compile"/> of the expression that failed; -1 when the
    /// failure is not one expression's (the database as a whole is too large, for example).
    /// </summary>
    public int ExpressionIndex { get; } = -1;

    /// <summary>The message of the Hyperscan compiler, without the expression index.</summary>
    public string CompilerMessage { get; } = string.Empty;
}
