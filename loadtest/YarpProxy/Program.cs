using Yarp.ReverseProxy.Configuration;

// A pass-through reverse proxy with one catch-all route to one upstream, as a baseline for the load test.
//   dotnet YarpProxy.dll --listen http://127.0.0.1:18082 --upstream http://127.0.0.1:18080
// Both settings can also come from the environment (YARP_LISTEN, YARP_UPSTREAM).
var listen = Argument(args, "--listen") ?? Environment.GetEnvironmentVariable("YARP_LISTEN") ?? "http://127.0.0.1:18082";
var upstream = Argument(args, "--upstream") ?? Environment.GetEnvironmentVariable("YARP_UPSTREAM");
if (string.IsNullOrEmpty(upstream))
{
    await Console.Error.WriteLineAsync("usage: YarpProxy --listen URL --upstream URL");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls(listen);

// Logging off, as for the other proxies under test: per-request log lines would measure the console, not the proxy.
builder.Logging.ClearProviders();

RouteConfig[] routes =
[
    new RouteConfig
    {
        RouteId = "all",
        ClusterId = "upstream",
        Match = new RouteMatch { Path = "/{**catch-all}" },
    },
];
ClusterConfig[] clusters =
[
    new ClusterConfig
    {
        ClusterId = "upstream",
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
        {
            ["upstream"] = new DestinationConfig { Address = upstream },
        },
    },
];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
return 0;

static string? Argument(string[] args, string name)
{
    for (var i = 0; i < args.Length - 1; i++)
    {
        if (string.Equals(args[i], name, StringComparison.Ordinal))
        {
            return args[i + 1];
        }
    }

    return null;
}
