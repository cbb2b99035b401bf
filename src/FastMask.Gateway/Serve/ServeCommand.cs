using System.Runtime.InteropServices;
using FastMask.Gateway.Configuration;

namespace FastMask.Gateway.Serve;

/// <summary>
/// <c>fastmask serve --config FILE</c>: loads and checks the config (every error printed with its path, exit 2),
/// starts the gateway, and on SIGTERM or SIGINT drains it (exit 0). Bind failures exit 1.
/// </summary>
internal static class ServeCommand
{
    public const string ConfigVariable = "FASTMASK_CONFIG";

    /// <summary>How long exit waits for a background Hyperscan compile still running; it takes well under a second.</summary>
    private static readonly TimeSpan s_backgroundCompileGrace = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        string? configPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--config" or "-c")
            {
                if (i + 1 >= args.Length)
                {
                    return Usage("--config needs a file name");
                }

                configPath = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                configPath = arg["--config=".Length..];
            }
            else if (arg is "--help" or "-h")
            {
                PrintHelp(Console.Out);
                return 0;
            }
            else
            {
                return Usage($"unknown argument '{arg}'");
            }
        }

        configPath ??= Environment.GetEnvironmentVariable(ConfigVariable);
        if (string.IsNullOrEmpty(configPath))
        {
            return Usage("--config FILE is required");
        }

        var environment = Environment.GetEnvironmentVariables();
        var loaded = GatewayConfigLoader.LoadFile(configPath, environment);
        if (!loaded.IsValid)
        {
            return PrintErrors(configPath, loaded.Errors);
        }

        // Registered before start-up, so a SIGTERM that arrives while the gateway starts stops it instead of killing it.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        GatewayHost host;
        try
        {
            host = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions { Environment = environment });
        }
        catch (GatewayConfigException e)
        {
            return PrintErrors(configPath, e.Errors);
        }
        catch (IOException e)
        {
            // Kestrel reports an address in use (or a permission problem on a port) as an IOException.
            await Console.Error.WriteLineAsync($"fastmask: cannot listen: {e.Message}");
            return 1;
        }

        await stop.Task;
        await host.DisposeAsync();

        // A background Hyperscan compile may still be running; its result is discarded. It is let finish (a fraction
        // of a second) rather than cut off by the process exit, which tears down the native library under it.
        try
        {
            await host.Runtime.DetectorUpgrade.WaitAsync(s_backgroundCompileGrace);
        }
        catch (TimeoutException)
        {
            // Exit anyway: a compile that slow must not hold up shutdown.
        }

        return 0;

        void OnSignal(PosixSignalContext context)
        {
            // The default action would kill the process before in-flight requests finish.
            context.Cancel = true;
            stop.TrySetResult();
        }
    }

    private static int PrintErrors(string configPath, System.Collections.Immutable.ImmutableArray<ConfigError> errors)
    {
        Console.Error.WriteLine($"fastmask: {configPath} is invalid ({errors.Length} error{(errors.Length == 1 ? "" : "s")}); not starting:");
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"  {error.Path}: {error.Message}");
        }

        return 2;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"fastmask serve: {message}");
        PrintHelp(Console.Error);
        return 2;
    }

    private static void PrintHelp(TextWriter writer)
    {
        writer.WriteLine("usage: fastmask serve --config FILE");
        writer.WriteLine();
        writer.WriteLine("  --config FILE   gateway config (JSON); default from FASTMASK_CONFIG");
        writer.WriteLine();
        writer.WriteLine("environment overrides:");
        writer.WriteLine("  FASTMASK_LISTEN=url[,url]        data listeners");
        writer.WriteLine("  FASTMASK_ADMIN_LISTEN=url        admin listener");
        writer.WriteLine("  FASTMASK__ROUTES__0__UPSTREAM=url any setting by path (__ separates, numbers index arrays)");
        writer.WriteLine("  FASTMASK_DETECTOR_ENGINE=auto|hyperscan|regex");
    }
}
