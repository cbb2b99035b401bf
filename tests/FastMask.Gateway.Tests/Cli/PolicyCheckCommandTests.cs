using FastMask.Gateway.Cli;

namespace FastMask.Gateway.Tests.Cli;

public sealed class PolicyCheckCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmask-policy-check-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = PolicyCheckCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private const string Valid = """
        // comments are allowed
        {
          "apiVersion": "fastmask/v1",
          "version": "2026-12-03.7",
          "levels": ["public", "internal", "confidential", "restricted"],
          "detectors": {
            "builtIn": [ { "entity": "EMAIL_ADDRESS", "level": "confidential" }, { "entity": "CREDIT_CARD" } ],
            "defaultLevel": "restricted",
            "custom": [ { "name": "EMPLOYEE_ID", "pattern": "EMP-[0-9]{6}", "level": "internal" } ],
          },
          "fields": [ { "path": "$..ssn", "level": "restricted", "entity": "US_SSN" } ],
          "actions": {
            "request": { "restricted": "redact", "confidential": "tokenize", "internal": "keep" },
            "response": { "restricted": { "operator": "partial", "keepLast": 4, "maskChar": "*" } }
          },
          "restoreTokens": true,
          "exemptions": [ { "group": "support-leads", "levels": ["confidential"] } ],
          "risk": { "levels": { "restricted": 10 }, "entities": { "CREDIT_CARD": 25 }, "approvalThreshold": 50 }
        }
        """;

    [Fact]
    public void Run_ValidPolicy_PrintsSummaryAndExitsZero()
    {
        var file = Write("valid.json", Valid);

        var (code, output, errors) = Run(file, "--engine", "regex");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, errors);
        string[] expected =
        [
            "valid",
            "apiVersion     fastmask/v1",
            "version        2026-12-03.7",
            "levels         public < internal < confidential < restricted",
            "engine         regex",
            "restricted     CREDIT_CARD",
            "confidential   EMAIL_ADDRESS",
            "EMPLOYEE_ID → internal  /EMP-[0-9]{6}/",
            "$..ssn → restricted (US_SSN)",
            "restricted     redact [ENTITY] / partial (last 4, mask '*')",
            "confidential   tokenize / redact [ENTITY]",
            "internal       keep / redact [ENTITY]",
            "restoreTokens  yes",
            "support-leads sees confidential",
            "approval at score 50",
            "CREDIT_CARD 25",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }

        // US_SSN is only a field label here, not an enabled detector.
        Assert.DoesNotContain("restricted     CREDIT_CARD, US_SSN", output, StringComparison.Ordinal);
        Assert.True(output.Split('\n').Length < 40, "the summary fits on one screen");
    }

    [Fact]
    public void Run_EngineOptionWithEquals_IsAccepted()
    {
        var (code, output, _) = Run("--engine=regex", Write("valid.json", Valid));
        Assert.Equal(0, code);
        Assert.Contains("engine         regex", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoEngineOption_ReportsTheEngineActuallyUsed()
    {
        var (code, output, _) = Run(Write("valid.json", Valid));
        Assert.Equal(0, code);
        Assert.Matches(@"engine\s+(hyperscan|regex) \(", output);
    }

    [Fact]
    public void Run_InvalidPolicy_PrintsEveryErrorWithPathAndExitsOne()
    {
        var file = Write("invalid.json", """
            {
              "apiVersion": "fastmask/v1",
              "version": "1",
              "levels": ["public", "restricted"],
              "detectors": { "builtIn": [ { "entity": "NOT_AN_ENTITY", "level": "restricted" } ] },
              "fields": [ { "path": "ssn", "level": "restricted" } ],
              "actions": { "request": { "restricted": { "operator": "scramble" } } }
            }
            """);

        var (code, output, errors) = Run(file, "--engine", "regex");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("$.detectors.builtIn[0].entity: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("NOT_AN_ENTITY", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("$.fields[0].path: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("$.actions.request.restricted.operator: ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MalformedJson_ExitsOneWithPosition()
    {
        var file = Write("broken.json", "{\n  \"apiVersion\": \"fastmask/v1\",\n  \"levels\": [\"a\" \"b\"]\n}");

        var (code, _, errors) = Run(file, "--engine", "regex");

        Assert.Equal(1, code);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("$.levels", line, StringComparison.Ordinal);
        Assert.Contains("line 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_ExitsOne()
    {
        var (code, _, errors) = Run(Path.Combine(_dir.FullName, "absent.json"), "--engine", "regex");
        Assert.Equal(1, code);
        Assert.StartsWith("$: ", errors, StringComparison.Ordinal);
        Assert.Contains("does not exist", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "a policy file is required")]
    [InlineData(new[] { "a.json", "b.json" }, "unexpected argument 'b.json'")]
    [InlineData(new[] { "a.json", "--engine" }, "--engine needs a value")]
    [InlineData(new[] { "a.json", "--engine", "fast" }, "not 'fast'")]
    [InlineData(new[] { "a.json", "--verbose" }, "unknown option '--verbose'")]
    public void Run_UsageError_ExitsTwo(string[] args, string message)
    {
        var (code, output, errors) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(message, errors, StringComparison.Ordinal);
        Assert.Contains("usage: fastmask policy check FILE", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Help_PrintsUsageAndExitsZero()
    {
        var (code, output, errors) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: fastmask policy check FILE", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, errors);
    }

    [Fact]
    public void Run_ShippedDefaultPolicy_IsValid()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FastMask.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var (code, output, errors) = Run(Path.Combine(root.FullName, "policies", "default.json"), "--engine", "regex");

        Assert.True(code == 0, errors);
        Assert.Contains("EMAIL_ADDRESS", output, StringComparison.Ordinal);
        Assert.Contains("PRIVATE_KEY", output, StringComparison.Ordinal);
        Assert.Contains("approvals off", output, StringComparison.Ordinal);
    }
}
