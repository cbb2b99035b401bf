using FastMask.Masking.Detection;
using FastMask.Masking.Policy;
using static FastMask.Masking.Tests.Policy.PolicyTestSupport;

namespace FastMask.Masking.Tests.Policy;

public class PolicyErrorTests
{
    private const string Head = """ "apiVersion": "fastmask/v1", "version": "1", "levels": ["public", "internal", "confidential", "restricted"] """;

    private static PolicyCompileResult LoadBody(string body, PolicyCompileOptions? options = null) =>
        Load("{" + Head + (body.Length > 0 ? ", " + body : string.Empty) + "}", options);

    [Theory]
    [InlineData(""" "colour": "blue" """, "$.colour", "unknown property 'colour'")]
    [InlineData(""" "detectors": { "custom": [ { "name": "X", "patern": "x" } ] } """, "$.detectors.custom[0].patern", "unknown property 'patern'")]
    [InlineData(""" "fields": [ { "path": "$.a", "level": "public", "label": "A" } ] """, "$.fields[0].label", "unknown property 'label'")]
    [InlineData(""" "hashKey": { "environment": "X" } """, "$.hashKey.environment", "unknown property")]
    [InlineData(""" "limits": { "maxDepth": 10, "depth": 3 } """, "$.limits.depth", "unknown property")]
    public void Load_UnknownProperty_ReportsItsPath(string body, string path, string reason)
    {
        var error = SingleErrorAt(LoadBody(body), path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralUnknownPropertiesAndWrongTypes_AreAllReported()
    {
        var result = LoadBody("""
            "colour": "blue",
            "restoreTokens": "yes",
            "fields": [ { "path": 3, "level": "public" }, { "path": "$.a", "lvl": "x" } ],
            "limits": { "maxDepth": 1e40 },
            "actions": { "request": { "public": { "operator": "keep", "keep": 1 } } },
            "detectors": { "builtIn": "some" }
            """);

        Assert.False(result.Success);
        Assert.Null(result.Document);
        Assert.Equal(
            ["$.colour", "$.restoreTokens", "$.fields[0].path", "$.fields[1].lvl", "$.limits.maxDepth", "$.actions.request.public", "$.detectors.builtIn"],
            result.Errors.Select(e => e.Path));
        Assert.Contains("true or false", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("a string", result.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("an integer", result.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("unknown property 'keep'", result.Errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("\"all\"", result.Errors[6].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateProperty_IsAnError()
    {
        var result = Load("""{ "apiVersion": "fastmask/v1", "version": "1", "version": "2", "levels": ["a"] }""");
        var error = SingleErrorAt(result, "$.version");
        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateActionForALevel_IsAnError()
    {
        var result = LoadBody(""" "actions": { "request": { "restricted": "redact", "restricted": "keep" } } """);
        SingleErrorAt(result, "$.actions.request.restricted");
    }

    [Fact]
    public void Load_MalformedJson_ReportsPathAndPosition()
    {
        var result = Load("""
            {
              "apiVersion": "fastmask/v1",
              "levels": ["public" "internal"]
            }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Policy);
        Assert.Null(result.Document);
        Assert.StartsWith("$.levels", error.Path, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedJson_IsOneError()
    {
        var error = Assert.Single(Load("""{ "apiVersion": "fastmask/v1", "levels": [""").Errors);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"policy\"")]
    public void Load_RootNotAnObject_IsAnError(string json)
    {
        var error = Assert.Single(Load(json).Errors);
        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Load_CommentsTrailingCommasAndBom_AreAccepted()
    {
        var json = "\uFEFF" + """
            // a comment before the document
            {
              /* block comment */
              "apiVersion": "fastmask/v1", // trailing comment
              "version": "1",
              "levels": ["public", "restricted",],
              "actions": { "request": { "public": "keep", }, },
            }
            """;
        using var policy = LoadValid(json).Policy!;
        Assert.Equal(["public", "restricted"], policy.Levels.ToArray());
    }

    [Fact]
    public void Compile_MissingApiVersion_IsReported()
    {
        var result = Load("""{ "version": "1", "levels": ["a"] }""");
        var error = SingleErrorAt(result, "$.apiVersion");
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
        Assert.NotNull(result.Document);
    }

    [Theory]
    [InlineData("fastmask/v2")]
    [InlineData("FastMask/v1")]
    [InlineData("")]
    public void Compile_WrongApiVersion_IsReported(string apiVersion)
    {
        var error = SingleErrorAt(Load($$"""{ "apiVersion": "{{apiVersion}}", "version": "1", "levels": ["a"] }"""), "$.apiVersion");
        Assert.Contains("fastmask/v1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""" "version": "" """)]
    [InlineData(""" "version": "  " """)]
    [InlineData(""" "version": null """)]
    public void Compile_MissingVersion_IsReported(string version)
    {
        SingleErrorAt(Load($$"""{ "apiVersion": "fastmask/v1", {{version}}, "levels": ["a"] }"""), "$.version");
    }

    [Theory]
    [InlineData(""" "levels": [] """, "$.levels")]
    [InlineData(""" "levels": ["a", "b", "A"] """, "$.levels[2]")]
    [InlineData(""" "levels": ["a", "b", "b"] """, "$.levels[2]")]
    [InlineData(""" "levels": ["a", "has space"] """, "$.levels[1]")]
    [InlineData(""" "levels": ["a", ""] """, "$.levels[1]")]
    [InlineData(""" "levels": ["a", null] """, "$.levels[1]")]
    [InlineData(""" "description": "no levels" """, "$.levels")]
    public void Compile_BadLevels_AreReported(string levels, string path)
    {
        SingleErrorAt(Load($$"""{ "apiVersion": "fastmask/v1", "version": "1", {{levels}} }"""), path);
    }

    [Fact]
    public void Compile_DuplicateLevel_NamesTheFirstOccurrence()
    {
        var error = SingleErrorAt(Load("""{ "apiVersion": "fastmask/v1", "version": "1", "levels": ["low", "high", "low"] }"""), "$.levels[2]");
        Assert.Contains("duplicate level 'low'", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.levels[0]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""" "fields": [ { "path": "$.a", "level": "secret" } ] """, "$.fields[0].level")]
    [InlineData(""" "actions": { "request": { "secret": "keep" } } """, "$.actions.request.secret")]
    [InlineData(""" "actions": { "response": { "top-secret": "keep" } } """, "$.actions.response['top-secret']")]
    [InlineData(""" "detectors": { "builtIn": [ { "entity": "US_SSN", "level": "secret" } ] } """, "$.detectors.builtIn[0].level")]
    [InlineData(""" "detectors": { "defaultLevel": "secret" } """, "$.detectors.defaultLevel")]
    [InlineData(""" "detectors": { "custom": [ { "name": "X", "pattern": "x[0-9]", "level": "secret" } ] } """, "$.detectors.custom[0].level")]
    [InlineData(""" "exemptions": [ { "group": "g", "levels": ["internal", "secret"] } ] """, "$.exemptions[0].levels[1]")]
    [InlineData(""" "risk": { "levels": { "secret": 3 } } """, "$.risk.levels.secret")]
    public void Compile_UnknownLevelReference_IsReportedWhereItIs(string body, string path)
    {
        var error = SingleErrorAt(LoadBody(body), path);
        Assert.Contains("unknown level 'secret'", error.Message.Replace("top-secret", "secret", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Single(LoadBody(body).Errors);
    }

    [Theory]
    [InlineData("ssn", "starts with '$'")]
    [InlineData("$.customer.", "property name")]
    [InlineData("$.items[x]", "[x]")]
    [InlineData("", "required")]
    public void Compile_BadPathSelector_IsReported(string selector, string reason)
    {
        var result = LoadBody($$""" "fields": [ { "path": "$.ok", "level": "public" }, { "path": "{{selector}}", "level": "public" } ] """);
        var error = SingleErrorAt(result, "$.fields[1].path");
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Compile_UnknownBuiltInEntity_IsReportedWithSuggestion()
    {
        var result = LoadBody("""
            "detectors": { "defaultLevel": "restricted", "builtIn": [ { "entity": "EMAIL_ADDRESS" }, { "entity": "email_address" }, { "entity": "SOCIAL_SECURITY" } ] }
            """);

        Assert.Equal(["$.detectors.builtIn[1].entity", "$.detectors.builtIn[2].entity"], result.Errors.Select(e => e.Path));
        Assert.Contains("did you mean 'EMAIL_ADDRESS'", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("unknown built-in entity 'SOCIAL_SECURITY'", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_BuiltInEntityListedTwice_IsReported()
    {
        var result = LoadBody(""" "detectors": { "builtIn": [ { "entity": "JWT", "level": "internal" }, { "entity": "JWT", "level": "restricted" } ] } """);
        var error = SingleErrorAt(result, "$.detectors.builtIn[1].entity");
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_BuiltInWithoutLevelOrDefault_IsReported()
    {
        SingleErrorAt(LoadBody(""" "detectors": { "builtIn": [ { "entity": "JWT" } ] } """), "$.detectors.builtIn[0].level");
        SingleErrorAt(LoadBody(""" "detectors": { "builtIn": "all" } """), "$.detectors.defaultLevel");
    }

    [Theory]
    [InlineData(""" "request": { "restricted": { "operator": "mask" } } """, "$.actions.request.restricted.operator", "unknown operator 'mask'")]
    [InlineData(""" "request": { "restricted": { "keepLast": 2 } } """, "$.actions.request.restricted.operator", "required")]
    [InlineData(""" "response": { "restricted": "scramble" } """, "$.actions.response.restricted", "unknown operator 'scramble'")]
    [InlineData(""" "response": { "restricted": "Redact" } """, "$.actions.response.restricted", "unknown operator")]
    [InlineData(""" "response": { "restricted": null } """, "$.actions.response.restricted", "expected an operator")]
    [InlineData(""" "request": { "restricted": { "operator": "redact", "keepLast": 2 } } """, "$.actions.request.restricted.keepLast", "partial operator only")]
    [InlineData(""" "request": { "restricted": { "operator": "partial", "length": 2 } } """, "$.actions.request.restricted.length", "hash operator only")]
    [InlineData(""" "request": { "restricted": { "operator": "keep", "placeholder": "x" } } """, "$.actions.request.restricted.placeholder", "redact operator only")]
    [InlineData(""" "request": { "restricted": { "operator": "partial", "keepLast": -1 } } """, "$.actions.request.restricted.keepLast", "between")]
    [InlineData(""" "request": { "restricted": { "operator": "partial", "maskChar": "**" } } """, "$.actions.request.restricted.maskChar", "exactly one")]
    [InlineData(""" "request": { "restricted": { "operator": "redact", "placeholder": "" } } """, "$.actions.request.restricted.placeholder", "1 to 256")]
    public void Compile_BadOperator_IsReported(string actions, string path, string reason)
    {
        var result = LoadBody($$""" "actions": { {{actions}} } """);
        var error = SingleErrorAt(result, path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Compile_HashLengthOutOfRange_IsReported(int length)
    {
        var json = $$"""{ {{Head}}, "actions": { "request": { "public": { "operator": "hash", "length": {{length}} } } }, "hashKey": { "env": "K" } }""";
        var result = Load(json, Options(new Dictionary<string, string> { ["K"] = HashKey }));
        SingleErrorAt(result, "$.actions.request.public.length");
    }

    [Fact]
    public void Compile_HashWithoutKey_IsReported()
    {
        var result = LoadBody(""" "actions": { "response": { "confidential": { "operator": "hash" } } } """);
        var error = SingleErrorAt(result, "$.hashKey");
        Assert.Contains("hash operator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HashKeyEnvTooShort_IsReported()
    {
        var result = Load(PolicyCompilerTests.HashPolicy("""{ "env": "K" }"""), Options(new Dictionary<string, string> { ["K"] = "short-key" }));
        var error = SingleErrorAt(result, "$.hashKey.env");
        Assert.Contains("9 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 16", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HashKeyEnvUnset_IsReported()
    {
        var error = SingleErrorAt(Load(PolicyCompilerTests.HashPolicy("""{ "env": "MISSING_KEY" }""")), "$.hashKey.env");
        Assert.Contains("MISSING_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HashKeyFileTooShortOrMissing_IsReported()
    {
        var dir = Directory.CreateTempSubdirectory("fastmask-policy-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "short.key"), "0123456789abcde\n");
            var tooShort = Load(PolicyCompilerTests.HashPolicy("""{ "file": "short.key" }"""), Options(baseDirectory: dir.FullName));
            Assert.Contains("15 bytes", SingleErrorAt(tooShort, "$.hashKey.file").Message, StringComparison.Ordinal);

            var missing = Load(PolicyCompilerTests.HashPolicy("""{ "file": "none.key" }"""), Options(baseDirectory: dir.FullName));
            Assert.Contains("does not exist", SingleErrorAt(missing, "$.hashKey.file").Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("""{ "env": "K", "file": "k" }""")]
    [InlineData("""{ }""")]
    public void Compile_HashKeyNeedsExactlyOneSource(string hashKey)
    {
        var result = Load(PolicyCompilerTests.HashPolicy(hashKey), Options(new Dictionary<string, string> { ["K"] = HashKey }));
        Assert.Contains("exactly one", SingleErrorAt(result, "$.hashKey").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HashKeyWithoutHashAction_IsNotRead()
    {
        using var policy = LoadValid("{" + Head + """, "hashKey": { "env": "UNSET_VARIABLE" } }""").Policy!;
        Assert.Null(policy.HashKey);
    }

    [Theory]
    [InlineData("EMP-(?=[0-9])[0-9]{6}")]
    [InlineData("(?<![A-Z])EMP-[0-9]{6}")]
    public void Compile_CustomPatternWithLookaround_IsReported(string pattern)
    {
        var result = LoadBody($$""" "detectors": { "custom": [ { "name": "EMPLOYEE_ID", "pattern": "{{pattern}}", "level": "internal" } ] } """);
        var error = SingleErrorAt(result, "$.detectors.custom[0].pattern");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("EMP-([0-9]{6}", "not a valid regular expression")]
    [InlineData("[0-9]*", "empty string")]
    public void Compile_CustomPatternInvalid_IsReported(string pattern, string reason)
    {
        var result = LoadBody($$""" "detectors": { "custom": [ { "name": "OK", "pattern": "x[0-9]", "level": "internal" }, { "name": "EMPLOYEE_ID", "pattern": "{{pattern}}", "level": "internal" } ] } """);
        Assert.Contains(reason, SingleErrorAt(result, "$.detectors.custom[1].pattern").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""" { "name": "CREDIT_CARD", "pattern": "x", "level": "internal" } """, "$.detectors.custom[0].name", "built-in")]
    [InlineData(""" { "name": "credit-card", "pattern": "x", "level": "internal" } """, "$.detectors.custom[0].name", "built-in")]
    [InlineData(""" { "name": "9LIVES", "pattern": "x", "level": "internal" } """, "$.detectors.custom[0].name", "not a valid name")]
    [InlineData(""" { "pattern": "x", "level": "internal" } """, "$.detectors.custom[0].name", "required")]
    [InlineData(""" { "name": "A", "level": "internal" } """, "$.detectors.custom[0].pattern", "required")]
    [InlineData(""" { "name": "A", "pattern": "x" } """, "$.detectors.custom[0].level", "defaultLevel")]
    [InlineData(""" { "name": "A", "pattern": "x", "level": "internal", "validator": "checksum" } """, "$.detectors.custom[0].validator", "luhn")]
    [InlineData(""" { "name": "A", "pattern": "x", "level": "internal", "leftBoundary": "space" } """, "$.detectors.custom[0].leftBoundary", "alpha_numeric")]
    [InlineData(""" { "name": "A", "pattern": "x", "level": "internal", "context": ["ok", ""] } """, "$.detectors.custom[0].context[1]", "non-empty ASCII")]
    [InlineData(""" { "name": "A", "pattern": "x", "level": "internal", "context": ["k"], "contextWindow": 0 } """, "$.detectors.custom[0].contextWindow", "between")]
    public void Compile_BadCustomDetector_IsReported(string custom, string path, string reason)
    {
        var result = LoadBody($$""" "detectors": { "custom": [ {{custom}} ] } """);
        Assert.Contains(reason, SingleErrorAt(result, path).Message, StringComparison.Ordinal);
        Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("us_ssn", ValidatorKind.UsSsn)]
    [InlineData("usssn", ValidatorKind.UsSsn)]
    [InlineData("LUHN", ValidatorKind.Luhn)]
    [InlineData("aba_routing", ValidatorKind.AbaRouting)]
    public void Compile_ValidatorNames_AcceptSnakeAndLowerCase(string name, ValidatorKind expected)
    {
        using var policy = LoadValid("{" + Head + $$""", "detectors": { "custom": [ { "name": "A", "pattern": "x[0-9]", "level": "internal", "validator": "{{name}}" } ] } }""").Policy!;
        Assert.Equal(expected, policy.Detector.Definitions[^1].Pattern.Validator);
    }

    [Fact]
    public void Compile_DuplicateCustomName_IsReported()
    {
        var result = LoadBody(""" "detectors": { "custom": [ { "name": "A", "pattern": "x", "level": "internal" }, { "name": "a", "pattern": "y", "level": "internal" } ] } """);
        Assert.Contains("duplicate detector name", SingleErrorAt(result, "$.detectors.custom[1].name").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_FieldLabelWithConflictingLevel_IsReported()
    {
        var result = LoadBody("""
            "fields": [ { "path": "$.a", "level": "internal", "entity": "ACCOUNT" }, { "path": "$.b", "level": "restricted", "entity": "ACCOUNT" },
                        { "path": "$.c", "entity": "NEW_LABEL" }, { "path": "$.d", "level": "public", "entity": "account" } ]
            """);

        Assert.Equal(["$.fields[1].level", "$.fields[2].level", "$.fields[3].entity"], result.Errors.Select(e => e.Path));
        Assert.Contains("already at level 'internal'", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("only in case", result.Errors[2].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""" "risk": { "entities": { "NOPE": 3 } } """, "$.risk.entities.NOPE", "unknown entity")]
    [InlineData(""" "risk": { "levels": { "public": -1 } } """, "$.risk.levels.public", "between 0")]
    [InlineData(""" "risk": { "approvalThreshold": 0 } """, "$.risk.approvalThreshold", "positive")]
    [InlineData(""" "limits": { "maxDepth": 0 } """, "$.limits.maxDepth", "between 1 and 256")]
    [InlineData(""" "limits": { "maxTokenBytes": 10 } """, "$.limits.maxTokenBytes", "between")]
    [InlineData(""" "limits": { "maxEmbeddedJsonDepth": 100 } """, "$.limits.maxEmbeddedJsonDepth", "between 0 and 16")]
    [InlineData(""" "exemptions": [ { "group": "g", "levels": [] } ] """, "$.exemptions[0].levels", "at least one")]
    [InlineData(""" "exemptions": [ { "levels": ["public"] } ] """, "$.exemptions[0].group", "required")]
    [InlineData(""" "exemptions": [ { "group": "g", "levels": ["public"] }, { "group": "g", "levels": ["internal"] } ] """, "$.exemptions[1].group", "more than one")]
    [InlineData(""" "detectors": { "engine": "fastest" } """, "$.detectors.engine", "\"regex\"")]
    public void Compile_OtherBadValues_AreReported(string body, string path, string reason)
    {
        // Engine from the document: no override in the options.
        var result = LoadBody(body, Options() with { Engine = null });
        Assert.Contains(reason, SingleErrorAt(result, path).Message, StringComparison.Ordinal);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Compile_RiskEntityWeight_MayNameFieldLabel()
    {
        using var policy = LoadValid("{" + Head + """, "fields": [ { "path": "$.a", "level": "internal" } ], "risk": { "entities": { "INTERNAL": 4 }, "approvalThreshold": 9 } }""").Policy!;
        Assert.Equal([4], policy.Risk.EntityWeights.ToArray());
        Assert.Equal(9, policy.Risk.ApprovalThreshold);
    }

    [Fact]
    public void Compile_EngineHyperscan_IsUsedOrReportedWhenUnavailable()
    {
        var result = LoadBody(""" "detectors": { "engine": "hyperscan" } """, Options() with { Engine = null });
        if (HyperscanScanner.IsAvailable(out _))
        {
            Assert.True(result.Success, string.Join("\n", result.Errors));
            Assert.Equal(DetectorEngineKind.Hyperscan, result.Policy.Detector.Engine);
            result.Policy.Dispose();
        }
        else
        {
            Assert.Contains("not available", SingleErrorAt(result, "$.detectors.engine").Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compile_EngineOverride_WinsOverDocument()
    {
        using var policy = LoadValid("{" + Head + """, "detectors": { "engine": "hyperscan" } }""", Options() with { Engine = DetectorEngineKind.Regex }).Policy!;
        Assert.Equal(DetectorEngineKind.Regex, policy.Detector.Engine);
    }

    [Fact]
    public void Compile_ManyProblems_AreAllReportedAtOnce()
    {
        var result = Load("""
            {
              "apiVersion": "fastmask/v0",
              "levels": ["public", "internal", "public"],
              "detectors": {
                "builtIn": [ { "entity": "EMAIL_ADDRESS", "level": "internal" }, { "entity": "PASSPORT", "level": "internal" } ],
                "custom": [ { "name": "EMP", "pattern": "(?=E)EMP", "level": "internal" } ]
              },
              "fields": [ { "path": "$.a", "level": "internal" }, { "path": "a.b", "level": "internal" } ],
              "actions": { "request": { "internal": { "operator": "mask" } }, "response": { "internal": "hash" } }
            }
            """);

        string[] expected =
        [
            "$.apiVersion", "$.version", "$.levels[2]", "$.detectors.builtIn[1].entity", "$.detectors.custom[0].pattern",
            "$.fields[1].path", "$.actions.request.internal.operator", "$.hashKey",
        ];
        Assert.False(result.Success);
        Assert.NotNull(result.Document);
        Assert.Equal(expected.Order(), result.Errors.Select(e => e.Path).Order());
    }

    [Fact]
    public void LoadFile_MissingFile_IsAnError()
    {
        var result = PolicyLoader.LoadFile(Path.Combine(Path.GetTempPath(), "fastmask-no-such-policy-" + Guid.NewGuid() + ".json"));
        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Document);
    }
}
