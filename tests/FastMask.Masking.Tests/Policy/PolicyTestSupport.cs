using System.Text;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Tests.Policy;

internal static class PolicyTestSupport
{
    /// <summary>A key long enough for the hash operator.</summary>
    public const string HashKey = "0123456789abcdef0123456789abcdef";

    /// <summary>Regex engine, so results do not depend on whether libhs is installed; no real environment.</summary>
    public static PolicyCompileOptions Options(IReadOnlyDictionary<string, string>? environment = null, string? baseDirectory = null) => new()
    {
        Engine = DetectorEngineKind.Regex,
        GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
        BaseDirectory = baseDirectory,
    };

    public static PolicyCompileResult Load(string json, PolicyCompileOptions? options = null) =>
        PolicyLoader.Load(Encoding.UTF8.GetBytes(json), options ?? Options());

    public static PolicyCompileResult LoadValid(string json, PolicyCompileOptions? options = null)
    {
        var result = Load(json, options);
        Assert.True(result.Success, "expected no errors, got:\n" + string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result;
    }

    public static PolicyError SingleErrorAt(PolicyCompileResult result, string path)
    {
        Assert.False(result.Success);
        Assert.Null(result.Policy);
        var matching = result.Errors.Where(e => e.Path == path).ToList();
        Assert.True(matching.Count == 1, $"expected one error at {path}, got:\n" + string.Join("\n", result.Errors));
        return matching[0];
    }

    /// <summary>Walks up from the test output folder to the repository root (the folder with FastMask.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastMask.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
