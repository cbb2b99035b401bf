using BenchmarkDotNet.Running;
using FastMask.Benchmarks;

// dotnet run -c Release --project bench/FastMask.Benchmarks -- --filter '*'
// A --job (-j) on the command line replaces the suite job (e.g. --job dry for a smoke run).
var ownJob = !args.Any(static a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(JsonMaskBenchmarks).Assembly).Run(args, BenchConfig.Create(ownJob)).ToList();

// bench/run.sh sets this to write the Markdown summary of the run.
var resultsPath = Environment.GetEnvironmentVariable("FASTMASK_BENCH_RESULTS");
if (!string.IsNullOrEmpty(resultsPath) && summaries.Count > 0)
{
    ResultsReport.Write(summaries, resultsPath, Environment.GetEnvironmentVariable("FASTMASK_BENCH_COMMAND") ?? string.Join(' ', args));
}

// Non-zero when any case failed, so a script notices.
return summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success)) || summaries.Count == 0 ? 1 : 0;
