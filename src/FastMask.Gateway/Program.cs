// PLACEHOLDER - owned by the CLI; not committed from this branch
return args.Length > 0 && args[0] == "demo-upstream"
    ? await FastMask.Gateway.Demo.DemoUpstreamCommand.RunAsync(args[1..])
    : await FastMask.Gateway.Serve.ServeCommand.RunAsync(args.Length > 0 && args[0] == "serve" ? args[1..] : args);
