using System.Reflection;
using FastMask.Gateway.Cli;

namespace FastMask.Gateway;

/// <summary>The <c>fastmask</c> executable: the gateway (<c>serve</c>) and the offline tools.</summary>
internal static class Program
{
    private const string Usage = """
        usage: fastmask <command> [options]

        commands:
          serve --config FILE            run the gateway (data and admin listeners)
          mask --policy FILE [INPUT|-]   mask a JSON document (or --ndjson lines) offline
          policy check FILE              validate a policy and print its summary
          demo-upstream [--listen URL]   an OpenAI-compatible echo server for trying FastMask out
          version                        print the version and the detector engine in use
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "serve":
                PreferInlineSocketCompletions();
                return await Serve.ServeCommand.RunAsync(rest).ConfigureAwait(false);
            case "demo-upstream":
                return await Demo.DemoUpstreamCommand.RunAsync(rest).ConfigureAwait(false);
            case "mask":
                return MaskCommand.Run(rest, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
            case "policy" when rest.Length > 0 && rest[0] == "check":
                return PolicyCheckCommand.Run(rest[1..], Console.Out, Console.Error);
            case "version" or "--version":
                return VersionCommand.Run(Console.Out);
            default:
                Console.Error.WriteLine($"fastmask: unknown command '{string.Join(' ', args[..Math.Min(args.Length, 2)])}'");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    /// <summary>
    /// Socket completions run on the socket engine's threads (one per core) instead of hopping to the thread pool:
    /// the gateway only computes between socket operations and never blocks, and on a loaded core the hops (a
    /// thread woken per completion) cost more than the proxying. Read once, when the first socket is created, so it
    /// is set before anything listens; an operator's own value (0 turns it off) is kept.
    /// </summary>
    private static void PreferInlineSocketCompletions()
    {
        const string Name = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(Name) is null)
        {
            Environment.SetEnvironmentVariable(Name, "1");
        }
    }
}

internal static class VersionCommand
{
    public static int Run(TextWriter stdout)
    {
        var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var engine = Masking.Detection.ScannerFactory.Resolve(Masking.Detection.ScannerFactory.FromEnvironment());
        stdout.WriteLine($"fastmask {version}");
        stdout.WriteLine($"detector engine: {engine.ToString().ToLowerInvariant()}");
        return 0;
    }
}
