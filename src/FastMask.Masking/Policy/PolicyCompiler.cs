using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FastMask.Masking.Detection;
using FastMask.Masking.Operators;

namespace FastMask.Masking.Policy;

/// <summary>How a policy is compiled: engine choice and where secrets and relative files are found.</summary>
public sealed record PolicyCompileOptions
{
    /// <summary>
    /// Engine that runs the detectors; null means the document's <c>detectors.engine</c> (default auto).
    /// Callers apply <see cref="ScannerFactory.FromEnvironment"/> themselves when they want the environment to decide.
    /// </summary>
    public DetectorEngineKind? Engine { get; init; }

    /// <summary>Reads environment variables (<c>hashKey.env</c>); default <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Folder that a relative <c>hashKey.file</c> is resolved against; default the current directory.</summary>
    public string? BaseDirectory { get; init; }

    public static PolicyCompileOptions Default { get; } = new();
}

/// <summary>
/// The outcome of loading or compiling a policy: <see cref="Policy"/> when there is no error, otherwise every
/// <see cref="Errors"/> found. <see cref="Document"/> is the parsed document when the JSON could be read.
/// </summary>
public sealed record PolicyCompileResult(CompiledPolicy? Policy, ImmutableArray<PolicyError> Errors, PolicyDocument? Document)
{
    [MemberNotNullWhen(true, nameof(Policy))]
    public bool Success => Policy is not null;
}

/// <summary>Validates a <see cref="PolicyDocument"/> as a whole and compiles it into a <see cref="CompiledPolicy"/>.</summary>
public static partial class PolicyCompiler
{
    /// <summary>Shortest accepted HMAC key: 128 bits.</summary>
    public const int MinHashKeyBytes = 16;

    /// <summary>Largest key file read: a bigger file is almost certainly the wrong one.</summary>
    public const int MaxHashKeyBytes = 4096;

    internal const int MaxRiskWeight = 1_000_000;
    internal const int MaxDepthLimit = 256;
    internal const int MinTokenBytesLimit = 1024;
    internal const int MaxTokenBytesLimit = 256 * 1024 * 1024;
    internal const int MaxEmbeddedJsonDepthLimit = 16;
    internal const int MaxContextWindow = 4096;
    internal const int MaxPartialKeepLast = 1024;
    internal const int MaxNameLength = 64;

    /// <summary>
    /// Compiles <paramref name="document"/>. Never throws for a bad document: every problem is returned in
    /// <see cref="PolicyCompileResult.Errors"/> with its JSON path, and no policy is produced.
    /// </summary>
    public static PolicyCompileResult Compile(PolicyDocument document, PolicyCompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var builder = new Builder(document, options ?? PolicyCompileOptions.Default);
        var policy = builder.Build();
        return new PolicyCompileResult(policy, [.. builder.Errors], document);
    }

    // Letters, digits, '_' and '-', starting with a letter: names end up inside placeholders and tokens ([NAME_1]).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameSyntax();

    private sealed class Builder(PolicyDocument doc, PolicyCompileOptions options)
    {
        private const string Detectors = "$.detectors";
        private const string CustomPrefix = "$.detectors.custom";

        private readonly List<string> _levels = [];
        private readonly Dictionary<string, int> _levelIndex = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<EntityInfo> _entities = [];
        private readonly Dictionary<string, int> _entityIndex = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<DetectorDefinition> _definitions = [];
        private readonly List<string> _definitionPaths = [];
        private readonly List<FieldNameRule> _fieldNameRules = [];
        private readonly List<FieldRule> _fieldRules = [];
        private bool _levelsValid;
        private int _defaultLevel = -1;
        private bool _usesHash;

        public List<PolicyError> Errors { get; } = [];

        public CompiledPolicy? Build()
        {
            CheckHeader();
            CheckLevels();
            var engine = CheckEngine();
            CheckDetectors();
            CheckFields();
            var request = CheckActions(doc.Actions?.Request, "$.actions.request");
            var response = CheckActions(doc.Actions?.Response, "$.actions.response");
            var hashKey = CheckHashKey();
            var exemptions = CheckExemptions();
            var risk = CheckRisk();
            var limits = CheckLimits();
            if (engine is not { } resolved)
            {
                return null;
            }

            CheckCustomPatternsFor(resolved);
            if (Errors.Count > 0)
            {
                return null;
            }

            var detector = CreateDetector(resolved);
            if (detector is null)
            {
                return null;
            }

            return new CompiledPolicy(
                doc.ApiVersion!,
                doc.Version!,
                [.. _levels],
                [.. _entities],
                [.. _fieldRules],
                [.. _fieldNameRules],
                [.. request],
                [.. response],
                detector,
                hashKey,
                doc.RestoreTokens ?? false,
                exemptions,
                risk,
                limits);
        }

        private void Error(string path, string message) => Errors.Add(new PolicyError(path, message));

        private void CheckHeader()
        {
            if (doc.ApiVersion is null)
            {
                Error("$.apiVersion", $"required; must be \"{PolicyDocument.CurrentApiVersion}\"");
            }
            else if (doc.ApiVersion != PolicyDocument.CurrentApiVersion)
            {
                Error("$.apiVersion", $"must be \"{PolicyDocument.CurrentApiVersion}\", not \"{doc.ApiVersion}\"");
            }

            if (string.IsNullOrWhiteSpace(doc.Version))
            {
                Error("$.version", "required: a non-empty string that identifies this revision of the policy");
            }
        }

        private void CheckLevels()
        {
            if (doc.Levels is null)
            {
                Error("$.levels", "required: the level names, least sensitive first");
                return;
            }

            if (doc.Levels.Count == 0)
            {
                Error("$.levels", "at least one level is required");
                return;
            }

            var valid = true;
            for (var i = 0; i < doc.Levels.Count; i++)
            {
                var path = PolicyPath.Index("$.levels", i);
                var name = doc.Levels[i];
                if (!IsValidName(name, path, "a level name"))
                {
                    valid = false;
                }
                else if (!_levelIndex.TryAdd(name!, i))
                {
                    Error(path, $"duplicate level '{name}' (already at $.levels[{_levelIndex[name!]}])");
                    valid = false;
                }

                _levels.Add(name ?? string.Empty);
            }

            _levelsValid = valid;
        }

        private bool IsValidName([NotNullWhen(true)] string? name, string path, string what)
        {
            if (string.IsNullOrEmpty(name))
            {
                Error(path, $"{what} is required");
                return false;
            }

            if (name.Length > MaxNameLength || !NameSyntax().IsMatch(name))
            {
                Error(path, $"'{name}' is not a valid name: {what} starts with a letter and has at most {MaxNameLength} letters, digits, '_' or '-'");
                return false;
            }

            return true;
        }

        /// <summary>Resolves a level reference; -1 (with an error, unless the level list itself is broken) when it does not resolve.</summary>
        private int Level(string? name, string path, bool required)
        {
            if (name is null)
            {
                if (required)
                {
                    Error(path, "a level is required");
                }

                return -1;
            }

            if (_levelIndex.TryGetValue(name, out var index))
            {
                return index;
            }

            if (_levelsValid)
            {
                Error(path, $"unknown level '{name}' (levels: {string.Join(", ", _levels)})");
            }

            return -1;
        }

        private DetectorEngineKind? CheckEngine()
        {
            var requested = options.Engine;
            var fromDocument = requested is null;
            if (requested is null)
            {
                var text = doc.Detectors?.Engine;
                if (!ScannerFactory.TryParse(text, out var parsed))
                {
                    Error("$.detectors.engine", $"must be \"auto\", \"hyperscan\" or \"regex\", not \"{text}\"");
                    return null;
                }

                requested = parsed;
            }

            try
            {
                return ScannerFactory.Resolve(requested.Value);
            }
            catch (PatternCompileException e)
            {
                Error("$.detectors.engine", fromDocument ? e.Message : $"{e.Message} (engine chosen by the caller)");
                return null;
            }
        }

        private void CheckDetectors()
        {
            var detectors = doc.Detectors;
            if (detectors?.DefaultLevel is not null)
            {
                _defaultLevel = Level(detectors.DefaultLevel, "$.detectors.defaultLevel", required: true);
            }

            var enabled = new int?[BuiltInEntities.All.Length];
            var builtIn = detectors?.BuiltIn;
            if (builtIn is { All: true })
            {
                if (detectors!.DefaultLevel is null)
                {
                    Error("$.detectors.defaultLevel", "required when builtIn is \"all\": the level of every built-in entity");
                }

                Array.Fill(enabled, _defaultLevel);
            }
            else if (builtIn?.Entries is { } entries)
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    CheckBuiltInEntry(entries[i], PolicyPath.Index("$.detectors.builtIn", i), enabled);
                }
            }

            // Built-ins enter the entity table in catalogue order, whatever order the policy lists them in,
            // so that entity indices do not depend on how the document happens to be written.
            for (var i = 0; i < enabled.Length; i++)
            {
                if (enabled[i] is not { } level)
                {
                    continue;
                }

                var entity = BuiltInEntities.All[i];
                var index = AddEntity(entity.Name, level);
                foreach (var pattern in entity.Patterns)
                {
                    _definitions.Add(new DetectorDefinition(index, pattern));
                    _definitionPaths.Add($"{Detectors}.builtIn");
                }

                foreach (var fieldName in entity.FieldNames)
                {
                    _fieldNameRules.Add(new FieldNameRule(Encoding.UTF8.GetBytes(fieldName), index));
                }
            }

            var custom = detectors?.Custom;
            if (custom is null)
            {
                return;
            }

            for (var i = 0; i < custom.Count; i++)
            {
                CheckCustom(custom[i], PolicyPath.Index(CustomPrefix, i));
            }
        }

        private void CheckBuiltInEntry(BuiltInDetectorDocument entry, string path, int?[] enabled)
        {
            var level = entry.Level is null
                ? _defaultLevel
                : Level(entry.Level, PolicyPath.Property(path, "level"), required: true);
            if (entry.Level is null && doc.Detectors!.DefaultLevel is null)
            {
                Error(PolicyPath.Property(path, "level"), "required (or set detectors.defaultLevel)");
            }

            var entityPath = PolicyPath.Property(path, "entity");
            if (string.IsNullOrEmpty(entry.Entity))
            {
                Error(entityPath, "required: the name of a built-in entity such as EMAIL_ADDRESS");
                return;
            }

            var position = IndexOfBuiltIn(entry.Entity);
            if (position < 0)
            {
                Error(entityPath, $"unknown built-in entity '{entry.Entity}'{Suggestion(entry.Entity)}");
                return;
            }

            if (enabled[position] is not null)
            {
                Error(entityPath, $"'{entry.Entity}' is listed more than once");
                return;
            }

            enabled[position] = level;
        }

        private static int IndexOfBuiltIn(string name)
        {
            var all = BuiltInEntities.All;
            for (var i = 0; i < all.Length; i++)
            {
                if (string.Equals(all[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private static string Suggestion(string name)
        {
            foreach (var entity in BuiltInEntities.All)
            {
                if (string.Equals(entity.Name, name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(entity.Name, name.Replace('-', '_').Replace(' ', '_'), StringComparison.OrdinalIgnoreCase))
                {
                    return $" (did you mean '{entity.Name}'?)";
                }
            }

            return string.Empty;
        }

        private int AddEntity(string name, int level)
        {
            var index = _entities.Count;
            _entities.Add(new EntityInfo(name, level));
            _entityIndex.TryAdd(name, index);
            return index;
        }

        private void CheckCustom(CustomDetectorDocument? custom, string path)
        {
            if (custom is null)
            {
                Error(path, "expected a custom detector object");
                return;
            }

            var nameOk = false;
            var namePath = PolicyPath.Property(path, "name");
            if (IsValidName(custom.Name, namePath, "a detector name"))
            {
                if (IndexOfBuiltIn(custom.Name) >= 0 || Suggestion(custom.Name).Length > 0)
                {
                    Error(namePath, $"'{custom.Name}' is the name of a built-in entity; choose another name");
                }
                else if (_entityIndex.TryGetValue(custom.Name, out var existing))
                {
                    Error(namePath, $"duplicate detector name '{custom.Name}' (same as '{_entities[existing].Name}')");
                }
                else
                {
                    nameOk = true;
                }
            }

            var level = custom.Level is null ? _defaultLevel : Level(custom.Level, PolicyPath.Property(path, "level"), required: true);
            if (custom.Level is null && doc.Detectors?.DefaultLevel is null)
            {
                Error(PolicyPath.Property(path, "level"), "required (or set detectors.defaultLevel)");
            }

            var validator = ParseEnum(custom.Validator, ValidatorKind.None, PolicyPath.Property(path, "validator"));
            var left = ParseEnum(custom.LeftBoundary, BoundaryClass.None, PolicyPath.Property(path, "leftBoundary"));
            var right = ParseEnum(custom.RightBoundary, BoundaryClass.None, PolicyPath.Property(path, "rightBoundary"));
            var keywords = CheckContext(custom, path);

            var pattern = CheckPatternText(custom, PolicyPath.Property(path, "pattern"));
            if (pattern is null || !nameOk)
            {
                return;
            }

            var spec = new PatternSpec(pattern)
            {
                CaseInsensitive = custom.CaseInsensitive ?? false,
                Validator = validator,
                LeftBoundary = left,
                RightBoundary = right,
                ContextKeywords = keywords,
                ContextWindow = custom.ContextWindow ?? 64,
            };
            var index = AddEntity(custom.Name!, level);
            _definitions.Add(new DetectorDefinition(index, spec));
            _definitionPaths.Add(PolicyPath.Property(path, "pattern"));
        }

        private string? CheckPatternText(CustomDetectorDocument custom, string path)
        {
            var pattern = custom.Pattern;
            if (string.IsNullOrEmpty(pattern))
            {
                Error(path, "required: a regular expression");
                return null;
            }

            // The .NET parser names the position of a syntax error; the shared-subset rules come next, and
            // Hyperscan's own checks run once the engine is known.
            try
            {
                var regex = new Regex(
                    pattern,
                    RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | (custom.CaseInsensitive == true ? RegexOptions.IgnoreCase : RegexOptions.None),
                    TimeSpan.FromSeconds(1));
                if (regex.IsMatch(string.Empty))
                {
                    Error(path, "the pattern matches the empty string; every match must have at least one character");
                    return null;
                }
            }
            catch (RegexParseException e)
            {
                // The structured error, not the message: messages may be reduced to resource keys in trimmed builds.
                Error(path, $"not a valid regular expression: {Words(e.Error.ToString())} at character {e.Offset.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }
            catch (ArgumentException e)
            {
                Error(path, $"not a valid regular expression: {e.Message}");
                return null;
            }
            catch (RegexMatchTimeoutException)
            {
                Error(path, "the pattern takes too long to evaluate");
                return null;
            }

            if (PatternSyntax.Validate(pattern) is { } syntaxError)
            {
                Error(path, syntaxError);
                return null;
            }

            return pattern;
        }

        private List<string>? CheckContext(CustomDetectorDocument custom, string path)
        {
            if (custom.ContextWindow is { } window && (window < 1 || window > MaxContextWindow))
            {
                Error(PolicyPath.Property(path, "contextWindow"), $"must be between 1 and {MaxContextWindow}");
            }

            if (custom.Context is null)
            {
                return null;
            }

            var keywords = new List<string>(custom.Context.Count);
            for (var i = 0; i < custom.Context.Count; i++)
            {
                var keyword = custom.Context[i];
                if (string.IsNullOrEmpty(keyword) || !Ascii.IsValid(keyword))
                {
                    Error(PolicyPath.Index(PolicyPath.Property(path, "context"), i), "a context keyword is a non-empty ASCII string");
                    continue;
                }

                keywords.Add(keyword);
            }

            return keywords.Count > 0 ? keywords : null;
        }

        private TEnum ParseEnum<TEnum>(string? text, TEnum fallback, string path)
            where TEnum : struct, Enum
        {
            if (text is null)
            {
                return fallback;
            }

            var wanted = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
            var names = new List<string>();
            foreach (var value in Enum.GetValues<TEnum>())
            {
                var name = value.ToString();
                if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }

                names.Add(SnakeCase(name));
            }

            Error(path, $"unknown value '{text}' (expected one of: {string.Join(", ", names)})");
            return fallback;
        }

        private static string Words(string pascal) => SnakeCase(pascal).Replace('_', ' ');

        private static string SnakeCase(string pascal)
        {
            var sb = new StringBuilder(pascal.Length + 4);
            for (var i = 0; i < pascal.Length; i++)
            {
                if (i > 0 && char.IsAsciiLetterUpper(pascal[i]))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(pascal[i]));
            }

            return sb.ToString();
        }

        private void CheckFields()
        {
            var fields = doc.Fields;
            if (fields is null)
            {
                return;
            }

            for (var i = 0; i < fields.Count; i++)
            {
                var path = PolicyPath.Index("$.fields", i);
                var field = fields[i];
                if (field is null)
                {
                    Error(path, "expected a field rule { \"path\": ..., \"level\": ... }");
                    continue;
                }

                PathSelector? selector = null;
                if (string.IsNullOrEmpty(field.Path))
                {
                    Error(PolicyPath.Property(path, "path"), "required: a path such as $..ssn or $.customer.email");
                }
                else if (!PathSelector.TryParse(field.Path, out selector, out var pathError))
                {
                    Error(PolicyPath.Property(path, "path"), $"invalid path '{field.Path}': {pathError}");
                }

                var entity = FieldEntity(field, path);
                if (selector is not null && entity >= 0)
                {
                    _fieldRules.Add(new FieldRule(selector, entity));
                }
            }
        }

        private int FieldEntity(FieldRuleDocument field, string path)
        {
            var levelPath = PolicyPath.Property(path, "level");
            var entityPath = PolicyPath.Property(path, "entity");
            var level = field.Level is null ? -1 : Level(field.Level, levelPath, required: true);
            string label;
            if (field.Entity is not null)
            {
                if (!IsValidName(field.Entity, entityPath, "an entity label"))
                {
                    return -1;
                }

                label = field.Entity;
            }
            else if (field.Level is null)
            {
                Error(levelPath, "required: the level of the values at this path");
                return -1;
            }
            else
            {
                label = field.Level.ToUpperInvariant();
            }

            if (_entityIndex.TryGetValue(label, out var existing))
            {
                var info = _entities[existing];
                if (!string.Equals(info.Name, label, StringComparison.Ordinal))
                {
                    Error(entityPath, $"'{label}' differs from the entity '{info.Name}' only in case");
                    return -1;
                }

                if (level >= 0 && info.Level >= 0 && level != info.Level)
                {
                    Error(levelPath, $"'{label}' is already at level '{_levels[info.Level]}'; use that level, omit it, or give this rule another entity label");
                    return -1;
                }

                return existing;
            }

            if (field.Level is null)
            {
                Error(levelPath, $"required: '{label}' is not an existing entity, so the rule needs its own level");
                return -1;
            }

            return level < 0 ? -1 : AddEntity(label, level);
        }

        private OperatorSpec[] CheckActions(IReadOnlyDictionary<string, ActionDocument?>? actions, string path)
        {
            // Fail closed: a level with no action is redacted.
            var result = new OperatorSpec[Math.Max(_levels.Count, 1)];
            Array.Fill(result, OperatorSpec.Redact);
            if (actions is null)
            {
                return result;
            }

            foreach (var (levelName, action) in actions)
            {
                var actionPath = PolicyPath.Property(path, levelName);
                var level = Level(levelName, actionPath, required: true);
                var spec = CheckOperator(action, actionPath);
                if (level >= 0 && spec is not null)
                {
                    result[level] = spec;
                }
            }

            return result;
        }

        private OperatorSpec? CheckOperator(ActionDocument? action, string path)
        {
            if (action is null)
            {
                Error(path, "expected an operator: keep, redact, remove, partial, hash or tokenize");
                return null;
            }

            var opPath = action.Shorthand ? path : PolicyPath.Property(path, "operator");
            OperatorKind kind;
            switch (action.Operator)
            {
                case "keep":
                    kind = OperatorKind.Keep;
                    break;
                case "redact":
                    kind = OperatorKind.Redact;
                    break;
                case "remove":
                    kind = OperatorKind.Remove;
                    break;
                case "partial":
                    kind = OperatorKind.Partial;
                    break;
                case "hash":
                    kind = OperatorKind.Hash;
                    _usesHash = true;
                    break;
                case "tokenize":
                    kind = OperatorKind.Tokenize;
                    break;
                case null:
                    Error(opPath, "required: keep, redact, remove, partial, hash or tokenize");
                    return null;
                default:
                    Error(opPath, $"unknown operator '{action.Operator}' (expected keep, redact, remove, partial, hash or tokenize)");
                    return null;
            }

            var ok = true;
            var spec = new OperatorSpec(kind);
            if (action.Placeholder is { } placeholder)
            {
                ok &= Applies(kind, OperatorKind.Redact, "placeholder", path);
                if (placeholder.Length == 0 || placeholder.Length > 256)
                {
                    Error(PolicyPath.Property(path, "placeholder"), "must have 1 to 256 characters");
                    ok = false;
                }

                spec = spec with { Placeholder = placeholder };
            }

            if (action.KeepLast is { } keepLast)
            {
                ok &= Applies(kind, OperatorKind.Partial, "keepLast", path);
                if (keepLast < 0 || keepLast > MaxPartialKeepLast)
                {
                    Error(PolicyPath.Property(path, "keepLast"), $"must be between 0 and {MaxPartialKeepLast}");
                    ok = false;
                }

                spec = spec with { KeepLast = keepLast };
            }

            if (action.MaskChar is { } maskChar)
            {
                ok &= Applies(kind, OperatorKind.Partial, "maskChar", path);
                if (maskChar.Length != 1 || char.IsSurrogate(maskChar[0]) || char.IsControl(maskChar[0]))
                {
                    Error(PolicyPath.Property(path, "maskChar"), "must be exactly one printable character");
                    ok = false;
                }
                else
                {
                    spec = spec with { MaskChar = maskChar[0] };
                }
            }

            if (action.Length is { } length)
            {
                ok &= Applies(kind, OperatorKind.Hash, "length", path);
                if (length < 1 || length > 64)
                {
                    Error(PolicyPath.Property(path, "length"), "must be between 1 and 64 hex characters");
                    ok = false;
                }

                spec = spec with { HashLength = length };
            }

            if (!ok)
            {
                return null;
            }

            // Share the common instances so that compiled tables compare cheaply.
            return spec == OperatorSpec.Redact ? OperatorSpec.Redact : spec == OperatorSpec.Keep ? OperatorSpec.Keep : spec;
        }

        private bool Applies(OperatorKind kind, OperatorKind owner, string parameter, string path)
        {
            if (kind == owner)
            {
                return true;
            }

            Error(PolicyPath.Property(path, parameter), $"'{parameter}' applies to the {owner.ToString().ToLowerInvariant()} operator only");
            return false;
        }

        private byte[]? CheckHashKey()
        {
            var hashKey = doc.HashKey;
            if (hashKey is null)
            {
                if (_usesHash)
                {
                    Error("$.hashKey", "required because an action uses the hash operator: { \"env\": \"NAME\" } or { \"file\": \"path\" }");
                }

                return null;
            }

            if ((hashKey.Env is null) == (hashKey.File is null))
            {
                Error("$.hashKey", "give exactly one of \"env\" and \"file\"");
                return null;
            }

            // The key is read only when an action needs it: an unused key reference should not stop a policy loading.
            if (!_usesHash)
            {
                return null;
            }

            byte[] key;
            string keyPath, source;
            if (hashKey.Env is { } variable)
            {
                keyPath = "$.hashKey.env";
                source = $"environment variable {variable}";
                var value = variable.Length == 0 ? null : options.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value))
                {
                    Error(keyPath, $"the {source} is not set or empty");
                    return null;
                }

                key = Encoding.UTF8.GetBytes(value);
            }
            else
            {
                keyPath = "$.hashKey.file";
                if (hashKey.File!.Length == 0)
                {
                    Error(keyPath, "a file name is required");
                    return null;
                }

                var full = Path.GetFullPath(hashKey.File, options.BaseDirectory ?? Environment.CurrentDirectory);
                source = $"key file '{full}'";
                var read = ReadKeyFile(full, keyPath);
                if (read is null)
                {
                    return null;
                }

                key = read;
            }

            if (key.Length < MinHashKeyBytes)
            {
                Error(keyPath, $"the key from the {source} has {key.Length} bytes; at least {MinHashKeyBytes} are required");
                return null;
            }

            return key;
        }

        private byte[]? ReadKeyFile(string full, string keyPath)
        {
            try
            {
                var info = new FileInfo(full);
                if (!info.Exists)
                {
                    Error(keyPath, $"key file '{full}' does not exist");
                    return null;
                }

                if (info.Length > MaxHashKeyBytes)
                {
                    Error(keyPath, $"key file '{full}' has {info.Length} bytes; a key file has at most {MaxHashKeyBytes}");
                    return null;
                }

                var bytes = File.ReadAllBytes(full);

                // Editors add a final line break; it is not part of the key.
                var length = bytes.Length;
                if (length > 0 && bytes[length - 1] == '\n')
                {
                    length--;
                    if (length > 0 && bytes[length - 1] == '\r')
                    {
                        length--;
                    }
                }

                return length == bytes.Length ? bytes : bytes[..length];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Error(keyPath, $"cannot read key file '{full}': {e.Message}");
                return null;
            }
        }

        private ImmutableArray<Exemption> CheckExemptions()
        {
            var exemptions = doc.Exemptions;
            if (exemptions is null)
            {
                return [];
            }

            var result = ImmutableArray.CreateBuilder<Exemption>(exemptions.Count);
            var groups = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < exemptions.Count; i++)
            {
                var path = PolicyPath.Index("$.exemptions", i);
                var exemption = exemptions[i];
                if (exemption is null)
                {
                    Error(path, "expected an exemption { \"group\": ..., \"levels\": [...] }");
                    continue;
                }

                var ok = true;
                if (string.IsNullOrWhiteSpace(exemption.Group))
                {
                    Error(PolicyPath.Property(path, "group"), "required: the group whose members see the levels unmasked");
                    ok = false;
                }
                else if (!groups.Add(exemption.Group))
                {
                    Error(PolicyPath.Property(path, "group"), $"group '{exemption.Group}' has more than one exemption; list all its levels in one");
                    ok = false;
                }

                var levelsPath = PolicyPath.Property(path, "levels");
                if (exemption.Levels is not { Count: > 0 })
                {
                    Error(levelsPath, "at least one level is required");
                    continue;
                }

                var levels = ImmutableArray.CreateBuilder<int>(exemption.Levels.Count);
                for (var j = 0; j < exemption.Levels.Count; j++)
                {
                    var level = Level(exemption.Levels[j], PolicyPath.Index(levelsPath, j), required: true);
                    ok &= level >= 0;
                    if (level >= 0 && !levels.Contains(level))
                    {
                        levels.Add(level);
                    }
                }

                if (ok)
                {
                    result.Add(new Exemption(exemption.Group!, levels.ToImmutable()));
                }
            }

            return result.ToImmutable();
        }

        private RiskSettings CheckRisk()
        {
            var levelWeights = new int[_levels.Count];
            var entityWeights = new int[_entities.Count];
            var risk = doc.Risk;
            if (risk is null)
            {
                return new RiskSettings([.. levelWeights], [.. entityWeights], RiskSettings.Disabled);
            }

            if (risk.Levels is not null)
            {
                foreach (var (name, weight) in risk.Levels)
                {
                    var path = PolicyPath.Property("$.risk.levels", name);
                    var level = Level(name, path, required: true);
                    if (CheckWeight(weight, path) && level >= 0)
                    {
                        levelWeights[level] = weight;
                    }
                }
            }

            if (risk.Entities is not null)
            {
                foreach (var (name, weight) in risk.Entities)
                {
                    var path = PolicyPath.Property("$.risk.entities", name);
                    var entity = -1;
                    if (!_entityIndex.TryGetValue(name, out var found))
                    {
                        Error(path, $"unknown entity '{name}': weights apply to enabled built-ins, custom detectors and field labels");
                    }
                    else if (!string.Equals(_entities[found].Name, name, StringComparison.Ordinal))
                    {
                        Error(path, $"'{name}' differs from the entity '{_entities[found].Name}' only in case");
                    }
                    else
                    {
                        entity = found;
                    }

                    if (CheckWeight(weight, path) && entity >= 0)
                    {
                        entityWeights[entity] = weight;
                    }
                }
            }

            var threshold = RiskSettings.Disabled;
            if (risk.ApprovalThreshold is { } value)
            {
                if (value < 1 || value >= RiskSettings.Disabled)
                {
                    Error("$.risk.approvalThreshold", "must be a positive integer (omit it to turn approvals off)");
                }
                else
                {
                    threshold = value;
                }
            }

            return new RiskSettings([.. levelWeights], [.. entityWeights], threshold);
        }

        private bool CheckWeight(int weight, string path)
        {
            if (weight is >= 0 and <= MaxRiskWeight)
            {
                return true;
            }

            Error(path, $"a weight is between 0 and {MaxRiskWeight.ToString("N0", CultureInfo.InvariantCulture)}");
            return false;
        }

        private MaskerLimits CheckLimits()
        {
            var limits = doc.Limits;
            if (limits is null)
            {
                return MaskerLimits.Default;
            }

            var defaults = MaskerLimits.Default;
            return new MaskerLimits
            {
                MaxDepth = Bounded(limits.MaxDepth, defaults.MaxDepth, 1, MaxDepthLimit, "$.limits.maxDepth"),
                MaxTokenBytes = Bounded(limits.MaxTokenBytes, defaults.MaxTokenBytes, MinTokenBytesLimit, MaxTokenBytesLimit, "$.limits.maxTokenBytes"),
                MaxEmbeddedJsonDepth = Bounded(limits.MaxEmbeddedJsonDepth, defaults.MaxEmbeddedJsonDepth, 0, MaxEmbeddedJsonDepthLimit, "$.limits.maxEmbeddedJsonDepth"),
            };
        }

        private int Bounded(int? value, int fallback, int min, int max, string path)
        {
            if (value is not { } v)
            {
                return fallback;
            }

            if (v < min || v > max)
            {
                Error(path, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
                return fallback;
            }

            return v;
        }

        private void CheckCustomPatternsFor(DetectorEngineKind engine)
        {
            if (engine != DetectorEngineKind.Hyperscan)
            {
                return;
            }

            // Validate each custom pattern on its own so that every Hyperscan refusal is reported, not only the first.
            for (var i = 0; i < _definitions.Count; i++)
            {
                var pattern = _definitions[i].Pattern;
                if (pattern.Generated is null
                    && _definitionPaths[i].StartsWith(CustomPrefix, StringComparison.Ordinal)
                    && !HyperscanScanner.TryValidate(pattern, out var error))
                {
                    Error(_definitionPaths[i], $"the Hyperscan engine refuses this pattern: {error}");
                }
            }
        }

        private EntityDetector? CreateDetector(DetectorEngineKind engine)
        {
            try
            {
                return EntityDetector.Create([.. _definitions], engine);
            }
            catch (PatternCompileException e)
            {
                var engineName = engine.ToString().ToLowerInvariant();
                if (e.PatternIndex >= 0 && e.PatternIndex < _definitionPaths.Count)
                {
                    var path = _definitionPaths[e.PatternIndex];
                    Error(path, path.StartsWith(CustomPrefix, StringComparison.Ordinal)
                        ? $"the {engineName} engine cannot compile this pattern: {e.Message}"
                        : $"the {engineName} engine cannot compile a built-in pattern of {_entities[_definitions[e.PatternIndex].Entity].Name}: {e.Message}");
                }
                else
                {
                    Error("$.detectors.engine", $"the {engineName} engine failed: {e.Message}");
                }

                return null;
            }
        }
    }
}
