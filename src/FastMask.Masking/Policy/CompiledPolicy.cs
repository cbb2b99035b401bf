using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;
using FastMask.Masking.Operators;

namespace FastMask.Masking.Policy;

/// <summary>Which way a document travels: towards the model (request) or back to the caller (response).</summary>
public enum MaskDirection
{
    Request = 0,
    Response = 1,
}

/// <summary>
/// An entity or label that masking can produce: a built-in entity type (<c>EMAIL_ADDRESS</c>), a custom
/// detector, or the label of a field rule. <see cref="Level"/> indexes <see cref="CompiledPolicy.Levels"/>.
/// </summary>
public sealed record EntityInfo(string Name, int Level)
{
    /// <summary>The name as UTF-8, for placeholders and tokens.</summary>
    public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(Name);
}

/// <summary>A field rule: every value at <see cref="Path"/> is classified at the level of <see cref="Entity"/>.</summary>
public sealed record FieldRule(PathSelector Path, int Entity);

/// <summary>A field-name detector: a property whose normalised name matches is classified as <see cref="Entity"/>.</summary>
/// <param name="NormalizedName">Lower-case ASCII with <c>_</c>, <c>-</c> and spaces removed (<c>dateofbirth</c>).</param>
/// <param name="Entity">Index into <see cref="CompiledPolicy.Entities"/>.</param>
public sealed record FieldNameRule(byte[] NormalizedName, int Entity);

/// <summary>Members of <see cref="Group"/> see the listed levels unmasked in responses.</summary>
public sealed record Exemption(string Group, ImmutableArray<int> Levels);

/// <summary>Risk weights per level and per entity, and the score at or above which a request needs approval.</summary>
public sealed record RiskSettings(ImmutableArray<int> LevelWeights, ImmutableArray<int> EntityWeights, int ApprovalThreshold)
{
    /// <summary>Threshold that no request reaches: approvals off.</summary>
    public const int Disabled = int.MaxValue;
}

/// <summary>Bounds the JSON masker enforces before it parses further.</summary>
public sealed record MaskerLimits
{
    /// <summary>Deepest nesting of objects and arrays accepted. Default 64, as System.Text.Json's own default.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Largest single token (string or number, in raw bytes) accepted. Default 8 MiB: large enough for a base64
    /// image in a chat message, small enough that one token cannot exhaust memory.
    /// </summary>
    public int MaxTokenBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Deepest nesting of JSON documents inside JSON strings (tool-call arguments) that is masked inside.
    /// Default 4; deeper documents are scanned as text.
    /// </summary>
    public int MaxEmbeddedJsonDepth { get; init; } = 4;

    public static MaskerLimits Default { get; } = new();
}

/// <summary>
/// A policy compiled once for the hot path: every name is resolved to an index, every pattern compiled into the
/// detector, every operator bound per level and direction. Immutable and thread-safe; swapped as a whole on reload.
/// </summary>
public sealed class CompiledPolicy : IDisposable
{
    public CompiledPolicy(
        string apiVersion,
        string version,
        ImmutableArray<string> levels,
        ImmutableArray<EntityInfo> entities,
        ImmutableArray<FieldRule> fieldRules,
        ImmutableArray<FieldNameRule> fieldNameRules,
        ImmutableArray<OperatorSpec> requestActions,
        ImmutableArray<OperatorSpec> responseActions,
        EntityDetector detector,
        byte[]? hashKey,
        bool restoreTokensInResponse,
        ImmutableArray<Exemption> exemptions,
        RiskSettings risk,
        MaskerLimits limits)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(requestActions.Length, levels.Length);
        ArgumentOutOfRangeException.ThrowIfNotEqual(responseActions.Length, levels.Length);
        ApiVersion = apiVersion;
        Version = version;
        Levels = levels;
        Entities = entities;
        FieldRules = fieldRules;
        FieldNameRules = fieldNameRules;
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in fieldNameRules)
        {
            // The first rule for a name wins, as a scan of the list in order would have it.
            byName.TryAdd(Encoding.Latin1.GetString(rule.NormalizedName), rule.Entity);
        }

        FieldNameLookup = byName.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        RequestActions = requestActions;
        ResponseActions = responseActions;
        Detector = detector;
        HashKey = hashKey;
        RestoreTokensInResponse = restoreTokensInResponse;
        Exemptions = exemptions;
        Risk = risk;
        Limits = limits;
    }

    public string ApiVersion { get; }

    public string Version { get; }

    /// <summary>Level names, least sensitive first; an index into this array is a level.</summary>
    public ImmutableArray<string> Levels { get; }

    public ImmutableArray<EntityInfo> Entities { get; }

    public ImmutableArray<FieldRule> FieldRules { get; }

    public ImmutableArray<FieldNameRule> FieldNameRules { get; }

    /// <summary><see cref="FieldNameRules"/> by normalised name (bytes widened to chars), for a lookup per property name.</summary>
    internal FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> FieldNameLookup { get; }

    /// <summary>Operator per level for requests (index = level).</summary>
    public ImmutableArray<OperatorSpec> RequestActions { get; }

    /// <summary>Operator per level for responses (index = level).</summary>
    public ImmutableArray<OperatorSpec> ResponseActions { get; }

    public EntityDetector Detector { get; }

    /// <summary>HMAC-SHA256 key for the hash operator; null when no action hashes.</summary>
    public byte[]? HashKey { get; }

    /// <summary>Whether tokens created while masking a request are restored in the response to the same caller.</summary>
    public bool RestoreTokensInResponse { get; }

    public ImmutableArray<Exemption> Exemptions { get; }

    public RiskSettings Risk { get; }

    public MaskerLimits Limits { get; }

    private Operators.MaskPlan? _plan;

    /// <summary>Operators prepared per entity and direction; built on first use (a race builds it twice, harmlessly).</summary>
    internal Operators.MaskPlan Plan => _plan ??= new Operators.MaskPlan(this);

    public ImmutableArray<OperatorSpec> Actions(MaskDirection direction) =>
        direction == MaskDirection.Request ? RequestActions : ResponseActions;

    public OperatorSpec ActionFor(MaskDirection direction, int entity) => Actions(direction)[Entities[entity].Level];

    public void Dispose() => Detector.Dispose();
}
