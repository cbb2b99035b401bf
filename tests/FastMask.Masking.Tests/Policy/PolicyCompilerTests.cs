using System.Text;
using System.Text.Json;
using FastMask.Masking.Detection;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;
using static FastMask.Masking.Tests.Policy.PolicyTestSupport;

namespace FastMask.Masking.Tests.Policy;

public class PolicyCompilerTests
{
    private const string Full = """
        {
          "apiVersion": "fastmask/v1",
          "version": "2026-12-03.1",
          "description": "test",
          "levels": ["public", "internal", "confidential", "restricted"],
          "detectors": {
            "builtIn": [
              { "entity": "PHONE_NUMBER", "level": "confidential" },
              { "entity": "EMAIL_ADDRESS", "level": "confidential" },
              { "entity": "DATE_OF_BIRTH" },
              { "entity": "CREDIT_CARD" }
            ],
            "defaultLevel": "restricted",
            "custom": [
              { "name": "EMPLOYEE_ID", "pattern": "EMP-[0-9]{6}", "level": "internal",
                "caseInsensitive": true, "validator": "luhn", "leftBoundary": "alphanumeric", "rightBoundary": "token",
                "context": ["employee"], "contextWindow": 32 }
            ]
          },
          "fields": [
            { "path": "$..ssn", "level": "restricted", "entity": "US_SSN" },
            { "path": "$..email", "entity": "EMAIL_ADDRESS" },
            { "path": "$.customer.notes", "level": "internal" },
            { "path": "$.customer.accountId", "level": "restricted", "entity": "CREDIT_CARD" }
          ],
          "actions": {
            "request": { "restricted": "redact", "confidential": { "operator": "tokenize" }, "internal": "keep" },
            "response": {
              "restricted": { "operator": "partial", "keepLast": 4, "maskChar": "#" },
              "confidential": { "operator": "hash", "length": 12 },
              "public": { "operator": "redact", "placeholder": "<{entity}>" }
            }
          },
          "restoreTokens": true,
          "hashKey": { "env": "KEY" },
          "exemptions": [ { "group": "support-leads", "levels": ["confidential", "restricted"] } ],
          "risk": { "levels": { "restricted": 10 }, "entities": { "CREDIT_CARD": 25, "EMPLOYEE_ID": 3 }, "approvalThreshold": 50 },
          "limits": { "maxDepth": 32, "maxTokenBytes": 65536, "maxEmbeddedJsonDepth": 2 }
        }
        """;

    private static PolicyCompileOptions WithKey() => Options(new Dictionary<string, string> { ["KEY"] = HashKey });

    [Fact]
    public void Compile_FullDocument_BuildsEveryTable()
    {
        using var policy = LoadValid(Full, WithKey()).Policy!;

        Assert.Equal("fastmask/v1", policy.ApiVersion);
        Assert.Equal("2026-12-03.1", policy.Version);
        Assert.Equal(["public", "internal", "confidential", "restricted"], policy.Levels.ToArray());
        Assert.True(policy.RestoreTokensInResponse);
        Assert.Equal(Encoding.UTF8.GetBytes(HashKey), policy.HashKey);
        Assert.Equal(DetectorEngineKind.Regex, policy.Detector.Engine);

        // Request: public missing → redact (fail closed), internal keep, confidential tokenize, restricted redact.
        Assert.Equal(
            [OperatorKind.Redact, OperatorKind.Keep, OperatorKind.Tokenize, OperatorKind.Redact],
            policy.RequestActions.Select(a => a.Kind));
        Assert.Equal(OperatorKind.Redact, policy.ResponseActions[0].Kind);
        Assert.Equal("<{entity}>", policy.ResponseActions[0].Placeholder);
        Assert.Equal(OperatorKind.Redact, policy.ResponseActions[1].Kind);
        Assert.Equal("[{entity}]", policy.ResponseActions[1].Placeholder);
        Assert.Equal(new OperatorSpec(OperatorKind.Hash) { HashLength = 12 }, policy.ResponseActions[2]);
        Assert.Equal(new OperatorSpec(OperatorKind.Partial) { KeepLast = 4, MaskChar = '#' }, policy.ResponseActions[3]);

        Assert.Equal([new Exemption("support-leads", [2, 3])], policy.Exemptions, ExemptionEquals);
        Assert.Equal([0, 0, 0, 10], policy.Risk.LevelWeights.ToArray());
        Assert.Equal(50, policy.Risk.ApprovalThreshold);
        Assert.Equal(new MaskerLimits { MaxDepth = 32, MaxTokenBytes = 65536, MaxEmbeddedJsonDepth = 2 }, policy.Limits);
    }

    [Fact]
    public void Compile_EntityTable_BuiltInsInCatalogueOrderThenCustomThenLabels()
    {
        using var policy = LoadValid(Full, WithKey()).Policy!;

        var builtIns = new[] { "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD" };
        var expectedBuiltIns = BuiltInEntities.All.Select(e => e.Name).Where(builtIns.Contains).ToArray();
        Assert.Equal(4, expectedBuiltIns.Length);

        string[] expected = [.. expectedBuiltIns, "EMPLOYEE_ID", "US_SSN", "INTERNAL"];
        Assert.Equal(expected, policy.Entities.Select(e => e.Name));

        int Level(string name) => policy.Entities.Single(e => e.Name == name).Level;
        Assert.Equal(2, Level("PHONE_NUMBER"));
        Assert.Equal(2, Level("EMAIL_ADDRESS"));
        Assert.Equal(3, Level("DATE_OF_BIRTH"));
        Assert.Equal(3, Level("CREDIT_CARD"));
        Assert.Equal(1, Level("EMPLOYEE_ID"));
        Assert.Equal(3, Level("US_SSN"));
        Assert.Equal(1, Level("INTERNAL"));

        int Index(string name) => policy.Entities.IndexOf(policy.Entities.Single(e => e.Name == name));
        var employeeWeight = policy.Risk.EntityWeights[Index("EMPLOYEE_ID")];
        Assert.Equal(3, employeeWeight);
        Assert.Equal(25, policy.Risk.EntityWeights[Index("CREDIT_CARD")]);
        Assert.Equal(policy.Entities.Length, policy.Risk.EntityWeights.Length);

        // Field rules: labels that name an existing entity reuse it.
        Assert.Equal(
            [("$..ssn", "US_SSN"), ("$..email", "EMAIL_ADDRESS"), ("$.customer.notes", "INTERNAL"), ("$.customer.accountId", "CREDIT_CARD")],
            policy.FieldRules.Select(r => (r.Path.Text, policy.Entities[r.Entity].Name)));
        Assert.Equal(OperatorKind.Tokenize, policy.ActionFor(MaskDirection.Request, Index("EMAIL_ADDRESS")).Kind);
    }

    [Fact]
    public void Compile_Detectors_BuiltInPatternsThenCustomSpec()
    {
        using var policy = LoadValid(Full, WithKey()).Policy!;
        var definitions = policy.Detector.Definitions;

        var enabled = policy.Entities.Take(4).ToArray();
        var builtInPatterns = enabled.Sum(e => BuiltInEntities.TryGet(e.Name, out var b) ? b.Patterns.Length : 0);
        Assert.Equal(builtInPatterns + 1, definitions.Length);
        for (var i = 0; i < builtInPatterns; i++)
        {
            var entity = policy.Entities[definitions[i].Entity];
            Assert.True(BuiltInEntities.TryGet(entity.Name, out var builtIn));
            Assert.Contains(definitions[i].Pattern, builtIn.Patterns);
        }

        var custom = definitions[^1];
        Assert.Equal("EMPLOYEE_ID", policy.Entities[custom.Entity].Name);
        Assert.Equal("EMP-[0-9]{6}", custom.Pattern.Expression);
        Assert.True(custom.Pattern.CaseInsensitive);
        Assert.Equal(ValidatorKind.Luhn, custom.Pattern.Validator);
        Assert.Equal(BoundaryClass.AlphaNumeric, custom.Pattern.LeftBoundary);
        Assert.Equal(BoundaryClass.Token, custom.Pattern.RightBoundary);
        Assert.Equal(["employee"], custom.Pattern.ContextKeywords!);
        Assert.Equal(32, custom.Pattern.ContextWindow);
    }

    [Fact]
    public void Compile_FieldNameRules_ComeFromEnabledBuiltIns()
    {
        using var policy = LoadValid(Full, WithKey()).Policy!;
        Assert.True(BuiltInEntities.TryGet("DATE_OF_BIRTH", out var dob));
        var dobIndex = policy.Entities.IndexOf(policy.Entities.Single(e => e.Name == "DATE_OF_BIRTH"));

        // Only the four enabled built-ins contribute; US_SSN here is a field label, not an enabled detector.
        var expected = new List<(string, int)>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(BuiltInEntities.TryGet(policy.Entities[i].Name, out var builtIn));
            expected.AddRange(builtIn.FieldNames.Select(n => (n, i)));
        }

        Assert.Equal(expected, policy.FieldNameRules.Select(r => (Encoding.UTF8.GetString(r.NormalizedName), r.Entity)));
        Assert.Equal(dob.FieldNames.Length, policy.FieldNameRules.Count(r => r.Entity == dobIndex));

        // PERSON is not enabled here: none of its field names may classify anything.
        Assert.True(BuiltInEntities.TryGet("PERSON", out var person));
        Assert.DoesNotContain(policy.FieldNameRules, r => person.FieldNames.Contains(Encoding.UTF8.GetString(r.NormalizedName)) && !dob.FieldNames.Contains(Encoding.UTF8.GetString(r.NormalizedName)));
    }

    [Fact]
    public void Compile_CustomDetector_DetectsInText()
    {
        const string json = """
            {
              "apiVersion": "fastmask/v1", "version": "1", "levels": ["internal"],
              "detectors": { "custom": [ { "name": "EMPLOYEE_ID", "pattern": "EMP-[0-9]{6}", "level": "internal",
                                           "leftBoundary": "alphanumeric", "rightBoundary": "alphanumeric" } ] }
            }
            """;
        using var policy = LoadValid(json).Policy!;
        using var matches = new MatchBuffer<EntityMatch>();
        var text = "ids: EMP-123456, XEMP-654321 and EMP-1234567"u8;

        policy.Detector.Detect(text, matches);

        var match = Assert.Single(matches.Items.ToArray());
        Assert.Equal("EMPLOYEE_ID", policy.Entities[match.Entity].Name);
        Assert.Equal("EMP-123456", Encoding.UTF8.GetString(text[match.Start..match.End]));
    }

    [Fact]
    public void Compile_BuiltInAll_EnablesEveryBuiltInAtDefaultLevel()
    {
        const string json = """
            { "apiVersion": "fastmask/v1", "version": "1", "levels": ["low", "high"],
              "detectors": { "builtIn": "all", "defaultLevel": "high" } }
            """;
        using var policy = LoadValid(json).Policy!;

        Assert.Equal(BuiltInEntities.All.Select(e => e.Name), policy.Entities.Select(e => e.Name));
        Assert.All(policy.Entities, e => Assert.Equal(1, e.Level));
        foreach (var name in new[] { "EMAIL_ADDRESS", "CREDIT_CARD", "US_SSN", "PRIVATE_KEY", "PERSON", "DATE_OF_BIRTH" })
        {
            Assert.Contains(policy.Entities, e => e.Name == name);
        }

        // No actions at all: everything is redacted both ways; no threshold: approvals off.
        Assert.All(policy.RequestActions, a => Assert.Same(OperatorSpec.Redact, a));
        Assert.All(policy.ResponseActions, a => Assert.Same(OperatorSpec.Redact, a));
        Assert.Equal(RiskSettings.Disabled, policy.Risk.ApprovalThreshold);
        Assert.Equal(MaskerLimits.Default, policy.Limits);
        Assert.Null(policy.HashKey);
        Assert.False(policy.RestoreTokensInResponse);
    }

    [Fact]
    public void Compile_DocumentObject_CompilesWithoutJson()
    {
        var document = new PolicyDocument
        {
            ApiVersion = PolicyDocument.CurrentApiVersion,
            Version = "7",
            Levels = ["public", "secret"],
            Fields = [new FieldRuleDocument { Path = "$..password", Level = "secret" }],
            Actions = new ActionsDocument { Request = new Dictionary<string, ActionDocument?> { ["public"] = new() { Operator = "keep" } } },
        };

        var result = PolicyCompiler.Compile(document, Options());

        Assert.True(result.Success, string.Join("\n", result.Errors));
        using var policy = result.Policy;
        Assert.Same(document, result.Document);
        Assert.Equal("SECRET", Assert.Single(policy.Entities).Name);
        Assert.Equal(OperatorKind.Keep, policy.RequestActions[0].Kind);
    }

    [Fact]
    public void Serialize_Document_RoundTripsThroughTheLoader()
    {
        var first = LoadValid(Full, WithKey());
        first.Policy!.Dispose();

        var json = JsonSerializer.SerializeToUtf8Bytes(first.Document!, PolicyJsonContext.Default.PolicyDocument);
        var second = PolicyLoader.Load(json, WithKey());

        Assert.True(second.Success, string.Join("\n", second.Errors));
        using var policy = second.Policy;
        Assert.Equal(first.Document!.Actions!.Request!.Keys, second.Document!.Actions!.Request!.Keys);
        Assert.True(second.Document.Actions.Request["restricted"]!.Shorthand);
        Assert.Equal(first.Document.Actions.Response!["restricted"], second.Document.Actions.Response!["restricted"]);
        Assert.Equal(first.Document.Detectors!.BuiltIn!.Entries!, second.Document.Detectors!.BuiltIn!.Entries!);
        Assert.Equal(OperatorKind.Tokenize, policy.RequestActions[2].Kind);
        Assert.Equal(new OperatorSpec(OperatorKind.Partial) { KeepLast = 4, MaskChar = '#' }, policy.ResponseActions[3]);
    }

    [Fact]
    public void Compile_HashKeyFile_IsReadRelativeToBaseDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("fastmask-policy-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "keys"));
            File.WriteAllText(Path.Combine(dir.FullName, "keys", "hash.key"), HashKey + "\n");
            var json = HashPolicy("""{ "file": "keys/hash.key" }""");

            using var policy = LoadValid(json, Options(baseDirectory: dir.FullName)).Policy!;

            Assert.Equal(Encoding.UTF8.GetBytes(HashKey), policy.HashKey);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    internal static string HashPolicy(string hashKey) => $$"""
        { "apiVersion": "fastmask/v1", "version": "1", "levels": ["restricted"],
          "actions": { "request": { "restricted": "hash" } },
          "hashKey": {{hashKey}} }
        """;

    private static readonly IEqualityComparer<Exemption> ExemptionEquals = EqualityComparer<Exemption>.Create(
        (a, b) => a!.Group == b!.Group && a.Levels.SequenceEqual(b.Levels), e => e.Group.GetHashCode(StringComparison.Ordinal));
}
