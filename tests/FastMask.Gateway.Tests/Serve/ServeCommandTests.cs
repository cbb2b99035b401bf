using FastMask.Gateway.Serve;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Serve;

/// <summary>Console output is process-wide, so these tests do not run in parallel with each other.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Run_InvalidConfig_PrintsEveryErrorWithPathAndReturns2()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("gateway.json", """
            {
              "listeners": [ { "url": "http://127.0.0.1" } ],
              "routes": [ { "pathPrefix": "v1", "upstream": "nope", "policy": "p.json" } ]
            }
            """);

        var (code, error) = await RunAsync("--config", file);

        Assert.Equal(2, code);
        Assert.Contains("$.listeners[0].url:", error, StringComparison.Ordinal);
        Assert.Contains("$.routes[0].pathPrefix:", error, StringComparison.Ordinal);
        Assert.Contains("$.routes[0].upstream:", error, StringComparison.Ordinal);
        Assert.Contains("(3 errors)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownSetting_PrintsPathAndReturns2()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("gateway.json", """{ "listenres": [] }""");

        var (code, error) = await RunAsync("--config", file);

        Assert.Equal(2, code);
        Assert.Contains("$.listenres: unknown setting", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutConfig_Returns2WithUsage()
    {
        var (code, error) = await RunAsync("--bogus");

        Assert.Equal(2, code);
        Assert.Contains("usage: fastmask serve --config FILE", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var code = await ServeCommand.RunAsync(args);
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
