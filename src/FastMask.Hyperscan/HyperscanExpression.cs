namespace FastMask.Hyperscan;

/// <summary>One expression of a database: the pattern, its flags and the id reported with its matches.</summary>
public readonly record struct HyperscanExpression(string Pattern, HyperscanFlags Flags, uint Id);
