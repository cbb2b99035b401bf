using System.Text.Json.Serialization;

namespace FastMask.Masking.Policy;

// The policy document as written in JSON. Every member is optional at this level so that a document
// that parses can be validated as a whole by PolicyCompiler, which reports each missing or wrong
// element with its JSON path instead of stopping at the first one.

/// <summary>A policy document (<c>apiVersion: fastmask/v1</c>) as read from JSON, before validation.</summary>
public sealed record PolicyDocument
{
    /// <summary>The only accepted value of <see cref="ApiVersion"/>.</summary>
    public const string CurrentApiVersion = "fastmask/v1";

    public string? ApiVersion { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    /// <summary>Level names, least sensitive first.</summary>
    public IReadOnlyList<string?>? Levels { get; init; }

    public DetectorsDocument? Detectors { get; init; }

    public IReadOnlyList<FieldRuleDocument?>? Fields { get; init; }

    public ActionsDocument? Actions { get; init; }

    public bool? RestoreTokens { get; init; }

    public HashKeyDocument? HashKey { get; init; }

    public IReadOnlyList<ExemptionDocument?>? Exemptions { get; init; }

    public RiskDocument? Risk { get; init; }

    public LimitsDocument? Limits { get; init; }
}

public sealed record DetectorsDocument
{
    /// <summary>Built-in entity types switched on: a list, or the keyword <c>"all"</c>.</summary>
    public BuiltInSelection? BuiltIn { get; init; }

    /// <summary>Level for built-in entries (and custom detectors) that name none, and for <c>"all"</c>.</summary>
    public string? DefaultLevel { get; init; }

    public IReadOnlyList<CustomDetectorDocument?>? Custom { get; init; }

    /// <summary><c>auto</c> (default), <c>hyperscan</c> or <c>regex</c>.</summary>
    public string? Engine { get; init; }
}

/// <summary>
/// The value of <c>detectors.builtIn</c>: either the string <c>"all"</c> (<see cref="All"/>) or a list of entries.
/// </summary>
[JsonConverter(typeof(BuiltInSelectionConverter))]
public sealed record BuiltInSelection
{
    public bool All { get; init; }

    public IReadOnlyList<BuiltInDetectorDocument>? Entries { get; init; }
}

public sealed record BuiltInDetectorDocument(string? Entity, string? Level);

public sealed record CustomDetectorDocument
{
    public string? Name { get; init; }

    public string? Pattern { get; init; }

    public string? Level { get; init; }

    public bool? CaseInsensitive { get; init; }

    /// <summary>A <see cref="Detection.ValidatorKind"/> name in lower or snake case (<c>luhn</c>, <c>us_ssn</c>).</summary>
    public string? Validator { get; init; }

    /// <summary>A <see cref="Detection.BoundaryClass"/> name in lower or snake case (<c>alphanumeric</c>).</summary>
    public string? LeftBoundary { get; init; }

    public string? RightBoundary { get; init; }

    /// <summary>Keywords of which one must occur shortly before a match for it to count.</summary>
    public IReadOnlyList<string?>? Context { get; init; }

    /// <summary>Bytes before a match searched for <see cref="Context"/>; default 64.</summary>
    public int? ContextWindow { get; init; }
}

public sealed record FieldRuleDocument
{
    public string? Path { get; init; }

    public string? Level { get; init; }

    /// <summary>Label for values at <see cref="Path"/>; default: the level name upper-cased.</summary>
    public string? Entity { get; init; }
}

public sealed record ActionsDocument
{
    /// <summary>Level name → operator for requests. A level not listed is redacted.</summary>
    public IReadOnlyDictionary<string, ActionDocument?>? Request { get; init; }

    /// <summary>Level name → operator for responses. A level not listed is redacted.</summary>
    public IReadOnlyDictionary<string, ActionDocument?>? Response { get; init; }
}

/// <summary>
/// One operator: written either as its name (<c>"redact"</c>, <see cref="Shorthand"/>) or as an object
/// with <c>operator</c> and its parameters.
/// </summary>
[JsonConverter(typeof(ActionDocumentConverter))]
public sealed record ActionDocument
{
    public string? Operator { get; init; }

    /// <summary>Redact: the placeholder, <c>{entity}</c> standing for the entity name.</summary>
    public string? Placeholder { get; init; }

    /// <summary>Partial: characters kept at the end.</summary>
    public int? KeepLast { get; init; }

    /// <summary>Partial: the character that replaces the others (exactly one).</summary>
    public string? MaskChar { get; init; }

    /// <summary>Hash: hex characters kept (1–64).</summary>
    public int? Length { get; init; }

    /// <summary>Whether the operator was written as a bare string.</summary>
    public bool Shorthand { get; init; }
}

/// <summary>Where the HMAC key of the hash operator comes from: exactly one of the two.</summary>
public sealed record HashKeyDocument
{
    /// <summary>Name of an environment variable whose value (UTF-8) is the key.</summary>
    public string? Env { get; init; }

    /// <summary>A file whose bytes are the key (one trailing line break ignored), relative to the policy's folder.</summary>
    public string? File { get; init; }
}

public sealed record ExemptionDocument
{
    public string? Group { get; init; }

    public IReadOnlyList<string?>? Levels { get; init; }
}

public sealed record RiskDocument
{
    /// <summary>Level name → weight added per value masked at that level.</summary>
    public IReadOnlyDictionary<string, int>? Levels { get; init; }

    /// <summary>Entity name → weight added per value of that entity.</summary>
    public IReadOnlyDictionary<string, int>? Entities { get; init; }

    /// <summary>Score at or above which a request needs approval; absent means approvals are off.</summary>
    public int? ApprovalThreshold { get; init; }
}

public sealed record LimitsDocument
{
    public int? MaxDepth { get; init; }

    public int? MaxTokenBytes { get; init; }

    public int? MaxEmbeddedJsonDepth { get; init; }
}
