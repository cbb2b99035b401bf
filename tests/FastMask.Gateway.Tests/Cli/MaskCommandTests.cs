using System.Text;
using System.Text.Json;
using FastMask.Gateway.Cli;

namespace FastMask.Gateway.Tests.Cli;

public sealed class MaskCommandTests : IDisposable
{
    private static readonly string s_defaultPolicy = Path.Combine(FindRoot(), "policies", "default.json");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmask-mask-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastMask.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var stderr = new StringWriter();
        var code = MaskCommand.Run(args, input, output, stderr);
        return (code, Encoding.UTF8.GetString(output.ToArray()), stderr.ToString());
    }

    private const string Chat = """{"model":"gpt-4o","messages":[{"role":"user","content":"I am jane.roe@example.org, card 4111 1111 1111 1111, SSN 536-22-1234"}]}""";

    [Theory]
    [InlineData("regex")]
    [InlineData("hyperscan")]
    public void Mask_Document_WritesMaskedJsonAndExitsZero(string engine)
    {
        var (code, output, error) = Run(Chat, "--policy", s_defaultPolicy, "--engine", engine);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("jane.roe@example.org", output, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", output, StringComparison.Ordinal);
        Assert.DoesNotContain("536-22-1234", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(
            "I am [EMAIL_ADDRESS], card [CREDIT_CARD], SSN [US_SSN]",
            doc.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void Mask_FromFile_ReadsTheFile()
    {
        var path = Path.Combine(_dir.FullName, "in.json");
        File.WriteAllText(path, Chat);
        var (code, output, _) = Run("", "--policy", s_defaultPolicy, path);
        Assert.Equal(0, code);
        Assert.Contains("[EMAIL_ADDRESS]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_LargeDocumentFedInPieces_IsMaskedWhole()
    {
        var content = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            content.Append("word ").Append(i % 500 == 0 ? "user" + i + "@example.com " : string.Empty);
        }

        var json = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
        var (code, output, error) = Run(json, "--policy", s_defaultPolicy, "--stats");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("@example.com", output, StringComparison.Ordinal);
        Assert.Contains("EMAIL_ADDRESS\t40", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_InvalidDocument_ExitsOneWithOffsetAndWritesNothing()
    {
        var (code, output, error) = Run("{\"secret\":\"jane.roe@example.org\",\"x\":}", "--policy", s_defaultPolicy);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("document 1: byte 37:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.roe", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_TruncatedDocument_ExitsOneWithoutOutput()
    {
        var (code, output, error) = Run("{\"a\":\"jane.roe@example.org\"", "--policy", s_defaultPolicy);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("ends before it is complete", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_Ndjson_OneOutputLinePerGoodInputLineInOrder()
    {
        const string input = "{\"n\":1,\"m\":\"a@b.io\"}\n{\"n\":2,\"m\":\"jane.roe@example.org\" broken\n\n{\"n\":3,\"m\":\"+1 415 555 0132\"}\r\n{\"n\":4}";
        var (code, output, error) = Run(input, "--policy", s_defaultPolicy, "--ndjson", "--stats");
        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["{\"n\":1,\"m\":\"[EMAIL_ADDRESS]\"}", "{\"n\":3,\"m\":\"[PHONE_NUMBER]\"}", "{\"n\":4}"], lines);
        Assert.DoesNotContain("jane.roe", output + error, StringComparison.Ordinal);
        Assert.Contains("line 2: byte", error, StringComparison.Ordinal);
        Assert.Contains("EMAIL_ADDRESS\t1", error, StringComparison.Ordinal);
        Assert.Contains("PHONE_NUMBER\t1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_ResponseDirection_UsesResponseActions()
    {
        var policy = Path.Combine(_dir.FullName, "p.json");
        File.WriteAllText(policy, """
            {"apiVersion":"fastmask/v1","version":"t1","levels":["public","restricted"],
             "detectors":{"builtIn":[{"entity":"EMAIL_ADDRESS","level":"restricted"}]},
             "actions":{"request":{"restricted":"redact","public":"keep"},"response":{"restricted":{"operator":"partial","keepLast":3},"public":"keep"}}}
            """);
        var (code, output, error) = Run("{\"m\":\"a@b.io\"}", "--policy", policy, "--direction", "response");
        Assert.True(code == 0, error);
        Assert.Equal("{\"m\":\"***.io\"}\n", output);
    }

    [Theory]
    [InlineData("--direction", "sideways")]
    [InlineData("--engine", "quantum")]
    [InlineData("--bogus")]
    public void Mask_UsageErrors_ExitTwo(params string[] extra)
    {
        var (code, output, error) = Run(Chat, ["--policy", s_defaultPolicy, .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_WithoutPolicy_ExitsTwo()
    {
        var (code, _, error) = Run(Chat);
        Assert.Equal(2, code);
        Assert.Contains("--policy FILE is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_InvalidPolicy_ExitsTwoWithItsErrors()
    {
        var policy = Path.Combine(_dir.FullName, "bad.json");
        File.WriteAllText(policy, "{\"apiVersion\":\"fastmask/v0\"}");
        var (code, output, error) = Run(Chat, "--policy", policy);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("$.apiVersion", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_MissingInputFile_ExitsTwo()
    {
        var (code, _, error) = Run("", "--policy", s_defaultPolicy, Path.Combine(_dir.FullName, "nope.json"));
        Assert.Equal(2, code);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }
}
