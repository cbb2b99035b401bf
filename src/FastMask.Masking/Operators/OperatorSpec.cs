namespace FastMask.Masking.Operators;

/// <summary>What happens to a value (or a span of text) classified at a level.</summary>
public enum OperatorKind
{
    /// <summary>Leave the value as it is.</summary>
    Keep = 0,

    /// <summary>Replace with a placeholder, by default <c>[ENTITY]</c>.</summary>
    Redact,

    /// <summary>Drop the field (for a span inside free text: delete the span).</summary>
    Remove,

    /// <summary>Keep the last N characters, replace the others with a mask character.</summary>
    Partial,

    /// <summary>HMAC-SHA256 with the policy's key, lower-case hex, optionally truncated. Never unsalted.</summary>
    Hash,

    /// <summary>A numbered placeholder (<c>[EMAIL_ADDRESS_1]</c>); the same value gets the same token within one call.</summary>
    Tokenize,
}

/// <summary>An operator with its parameters, as configured for one level and direction.</summary>
public sealed record OperatorSpec(OperatorKind Kind)
{
    /// <summary>
    /// Placeholder for <see cref="OperatorKind.Redact"/>; <c>{entity}</c> is replaced with the entity or label
    /// name. Default <c>[{entity}]</c>.
    /// </summary>
    public string Placeholder { get; init; } = "[{entity}]";

    /// <summary>Characters kept at the end by <see cref="OperatorKind.Partial"/>. Default 4.</summary>
    public int KeepLast { get; init; } = 4;

    /// <summary>Character that replaces the others in <see cref="OperatorKind.Partial"/>. Default <c>*</c>.</summary>
    public char MaskChar { get; init; } = '*';

    /// <summary>Hex characters kept by <see cref="OperatorKind.Hash"/> (1–64). Default 64 (the full digest).</summary>
    public int HashLength { get; init; } = 64;

    public static OperatorSpec Keep { get; } = new(OperatorKind.Keep);

    public static OperatorSpec Redact { get; } = new(OperatorKind.Redact);
}
