using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace FastMask.Benchmarks;

/// <summary>
/// A benchmark class whose input size is known without running it: its parameters decide the (deterministic)
/// input, so the host can turn a mean time into MB/s.
/// </summary>
public interface IThroughputBenchmark
{
    /// <summary>Bytes one operation processes, for the current parameter values.</summary>
    long InputBytes { get; }
}

public static class BenchConfig
{
    /// <summary>
    /// One launch, 4 warm-up and 12 measured iterations of 250 ms each. The suite has 18 cases; at about 8 s each
    /// (process start, pilot, warm-up, measurement, one extra run for the memory diagnoser) plus one build it stays
    /// under 10 minutes on 2 cores that other work may share. 12 iterations keep the error of the mean to a few
    /// percent on a quiet machine, enough for ratios such as 20x; the default job (15-100 iterations of 500 ms,
    /// adaptive) would take most of an hour. Warm-up of 4 covers tiered JIT reaching the optimized code
    /// (BenchmarkDotNet turns on aggressive tiering for the benchmark process anyway).
    /// </summary>
    public static Job SuiteJob { get; } = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(4)
        .WithIterationCount(12)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithId("Suite");

    public static IConfig Create(bool addSuiteJob)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(new ThroughputColumn())
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            .WithOption(ConfigOptions.JoinSummary, false);
        return addSuiteJob ? config.AddJob(SuiteJob.AsDefault()) : config;
    }

    /// <summary>Input bytes of one case (its class constructed and its parameters set; nothing else runs).</summary>
    public static long? InputBytes(BenchmarkCase benchmarkCase) => s_inputBytes.GetOrAdd(
        benchmarkCase.Descriptor.Type.FullName + "|" + benchmarkCase.Parameters.ValueInfo,
        static (_, c) =>
        {
            if (Activator.CreateInstance(c.Descriptor.Type) is not IThroughputBenchmark instance)
            {
                return null;
            }

            foreach (var p in c.Parameters.Items)
            {
                c.Descriptor.Type.GetProperty(p.Name)?.SetValue(instance, p.Value);
                c.Descriptor.Type.GetField(p.Name)?.SetValue(instance, p.Value);
            }

            return instance.InputBytes;
        },
        benchmarkCase);

    /// <summary>Throughput in MB/s (10^6 bytes per second) from the mean time, or null when unknown.</summary>
    public static double? MegabytesPerSecond(Summary summary, BenchmarkCase benchmarkCase)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        var bytes = InputBytes(benchmarkCase);
        return stats is null || bytes is null || stats.Mean <= 0 ? null : bytes.Value / stats.Mean * 1e9 / 1e6;
    }

    private static readonly ConcurrentDictionary<string, long?> s_inputBytes = new();

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Input bytes / mean time, in 10^6 bytes per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            MegabytesPerSecond(summary, benchmarkCase)?.ToString("N1", CultureInfo.InvariantCulture) ?? "-";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
