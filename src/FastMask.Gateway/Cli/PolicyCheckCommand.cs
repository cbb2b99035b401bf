using System.Globalization;
using FastMask.Masking.Detection;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Cli;

/// <summary>
/// <c>fastmask policy check FILE [--engine auto|hyperscan|regex]</c>: compiles a policy exactly as the gateway
/// would and prints a one-screen summary (exit 0), or every error as <c>PATH: message</c> on stderr (exit 1).
/// Usage errors exit 2.
/// </summary>
internal static class PolicyCheckCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int UsageError = 2;

    private const string Usage = """
        usage: fastmask policy check FILE [--engine auto|hyperscan|regex]

        Validates the policy in FILE and prints its summary. Every error is printed as "PATH: message".
        The engine defaults to $FASTMASK_DETECTOR_ENGINE, then to the policy's detectors.engine.
        Exit status: 0 valid, 1 invalid, 2 usage error.
        """;

    /// <summary>Runs the command on <paramref name="args"/>, the arguments after <c>policy check</c>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? file = null;
        DetectorEngineKind? engine = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return Valid;
            }

            string? engineText = null;
            if (arg == "--engine")
            {
                if (++i >= args.Length)
                {
                    return Fail(stderr, "--engine needs a value: auto, hyperscan or regex");
                }

                engineText = args[i];
            }
            else if (arg.StartsWith("--engine=", StringComparison.Ordinal))
            {
                engineText = arg["--engine=".Length..];
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                return Fail(stderr, $"unknown option '{arg}'");
            }
            else if (file is null)
            {
                file = arg;
                continue;
            }
            else
            {
                return Fail(stderr, $"unexpected argument '{arg}': give one policy file");
            }

            if (string.IsNullOrWhiteSpace(engineText) || !ScannerFactory.TryParse(engineText, out var parsed))
            {
                return Fail(stderr, $"--engine must be auto, hyperscan or regex, not '{engineText}'");
            }

            engine = parsed;
        }

        if (file is null)
        {
            return Fail(stderr, "a policy file is required");
        }

        if (engine is null && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ScannerFactory.EngineEnvironmentVariable)))
        {
            try
            {
                engine = ScannerFactory.FromEnvironment();
            }
            catch (ArgumentException e)
            {
                return Fail(stderr, e.Message);
            }
        }

        var result = PolicyLoader.LoadFile(file, new PolicyCompileOptions { Engine = engine });
        if (!result.Success)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine($"{error.Path}: {error.Message}");
            }

            return Invalid;
        }

        using var policy = result.Policy;
        WriteSummary(stdout, file, policy, result.Document!);
        return Valid;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"fastmask policy check: {message}");
        stderr.WriteLine(Usage);
        return UsageError;
    }

    private static void WriteSummary(TextWriter o, string file, CompiledPolicy policy, PolicyDocument document)
    {
        o.WriteLine($"policy {file}: valid");
        o.WriteLine($"  apiVersion     {policy.ApiVersion}");
        o.WriteLine($"  version        {policy.Version}");
        if (!string.IsNullOrWhiteSpace(document.Description))
        {
            o.WriteLine($"  description    {document.Description}");
        }

        o.WriteLine($"  levels         {string.Join(" < ", policy.Levels)}");
        o.WriteLine($"  engine         {Name(policy.Detector.Engine)} ({policy.Detector.Definitions.Length} patterns)");

        var customNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var custom in document.Detectors?.Custom ?? [])
        {
            if (custom?.Name is { } name)
            {
                customNames.Add(name);
            }
        }

        // Enabled built-ins are the table's prefix; a field label that happens to carry a built-in's name is not one.
        var builtIns = new List<EntityInfo>();
        var customs = new List<(EntityInfo Entity, PatternSpec? Pattern)>();
        for (var i = 0; i < policy.Entities.Length; i++)
        {
            var entity = policy.Entities[i];
            if (customNames.Contains(entity.Name))
            {
                customs.Add((entity, PatternOf(policy, i)));
            }
            else if (IsEnabledBuiltIn(document, entity.Name))
            {
                builtIns.Add(entity);
            }
        }

        o.WriteLine($"  built-in       {builtIns.Count} of {BuiltInEntities.All.Length}");
        for (var level = policy.Levels.Length - 1; level >= 0; level--)
        {
            var names = new List<string>();
            foreach (var entity in builtIns)
            {
                if (entity.Level == level)
                {
                    names.Add(entity.Name);
                }
            }

            if (names.Count > 0)
            {
                WriteWrapped(o, $"    {policy.Levels[level],-14} ", names);
            }
        }

        o.WriteLine($"  custom         {customs.Count}");
        foreach (var (entity, pattern) in customs)
        {
            var extra = pattern is null ? string.Empty
                : pattern.Validator != ValidatorKind.None ? $"  /{pattern.Expression}/ + {pattern.Validator}"
                : $"  /{pattern.Expression}/";
            o.WriteLine($"    {entity.Name} → {policy.Levels[entity.Level]}{extra}");
        }

        o.WriteLine($"  fields         {policy.FieldRules.Length}");
        foreach (var rule in policy.FieldRules)
        {
            var entity = policy.Entities[rule.Entity];
            o.WriteLine($"    {rule.Path.Text} → {policy.Levels[entity.Level]} ({entity.Name})");
        }

        o.WriteLine("  actions        level: request / response");
        for (var level = policy.Levels.Length - 1; level >= 0; level--)
        {
            o.WriteLine($"    {policy.Levels[level],-14} {Describe(policy.RequestActions[level])} / {Describe(policy.ResponseActions[level])}");
        }

        o.WriteLine($"  restoreTokens  {(policy.RestoreTokensInResponse ? "yes" : "no")}");
        o.WriteLine($"  hashKey        {(policy.HashKey is null ? "none" : document.HashKey?.Env is { } env ? $"env {env}" : $"file {document.HashKey?.File}")}");
        foreach (var exemption in policy.Exemptions)
        {
            var levels = new List<string>();
            foreach (var level in exemption.Levels)
            {
                levels.Add(policy.Levels[level]);
            }

            o.WriteLine($"  exemption      {exemption.Group} sees {string.Join(", ", levels)}");
        }

        o.WriteLine(policy.Risk.ApprovalThreshold == RiskSettings.Disabled
            ? "  risk           approvals off"
            : $"  risk           approval at score {policy.Risk.ApprovalThreshold.ToString(CultureInfo.InvariantCulture)}{Weights(policy)}");
        var limits = policy.Limits;
        o.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  limits         depth {limits.MaxDepth}, token {limits.MaxTokenBytes} bytes, embedded JSON depth {limits.MaxEmbeddedJsonDepth}"));
    }

    /// <summary>Writes a comma-separated list after <paramref name="prefix"/>, wrapped to stay on one screen's width.</summary>
    private static void WriteWrapped(TextWriter o, string prefix, List<string> items)
    {
        const int Width = 100;
        var line = new System.Text.StringBuilder(prefix);
        for (var i = 0; i < items.Count; i++)
        {
            var item = i < items.Count - 1 ? items[i] + "," : items[i];
            if (line.Length > prefix.Length && line.Length + 1 + item.Length > Width)
            {
                o.WriteLine(line.ToString().TrimEnd());
                line.Clear().Append(' ', prefix.Length);
            }
            else if (line.Length > prefix.Length)
            {
                line.Append(' ');
            }

            line.Append(item);
        }

        o.WriteLine(line.ToString());
    }

    private static bool IsEnabledBuiltIn(PolicyDocument document, string name)
    {
        var builtIn = document.Detectors?.BuiltIn;
        if (builtIn is null || !BuiltInEntities.TryGet(name, out _))
        {
            return false;
        }

        if (builtIn.All)
        {
            return true;
        }

        foreach (var entry in builtIn.Entries ?? [])
        {
            if (entry.Entity == name)
            {
                return true;
            }
        }

        return false;
    }

    private static PatternSpec? PatternOf(CompiledPolicy policy, int entity)
    {
        foreach (var definition in policy.Detector.Definitions)
        {
            if (definition.Entity == entity)
            {
                return definition.Pattern;
            }
        }

        return null;
    }

    private static string Weights(CompiledPolicy policy)
    {
        var parts = new List<string>();
        for (var i = 0; i < policy.Levels.Length; i++)
        {
            if (policy.Risk.LevelWeights[i] > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{policy.Levels[i]} {policy.Risk.LevelWeights[i]}"));
            }
        }

        for (var i = 0; i < policy.Entities.Length; i++)
        {
            if (policy.Risk.EntityWeights[i] > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{policy.Entities[i].Name} {policy.Risk.EntityWeights[i]}"));
            }
        }

        return parts.Count == 0 ? string.Empty : $" (weights: {string.Join(", ", parts)})";
    }

    private static string Describe(OperatorSpec spec) => spec.Kind switch
    {
        OperatorKind.Keep => "keep",
        OperatorKind.Redact => $"redact {spec.Placeholder.Replace("{entity}", "ENTITY", StringComparison.Ordinal)}",
        OperatorKind.Remove => "remove",
        OperatorKind.Partial => string.Create(CultureInfo.InvariantCulture, $"partial (last {spec.KeepLast}, mask '{spec.MaskChar}')"),
        OperatorKind.Hash => spec.HashLength == 64 ? "hash" : string.Create(CultureInfo.InvariantCulture, $"hash ({spec.HashLength} hex)"),
        OperatorKind.Tokenize => "tokenize",
        _ => spec.Kind.ToString(),
    };

    private static string Name(DetectorEngineKind engine) => engine.ToString().ToLowerInvariant();
}
