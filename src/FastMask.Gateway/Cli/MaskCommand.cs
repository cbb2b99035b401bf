using System.Buffers;
using FastMask.Masking;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Cli;

/// <summary>
/// <c>fastmask mask --policy FILE [--direction request|response] [--ndjson] [--stats] [--engine E] [INPUT|-]</c>:
/// masks a JSON document (or one per line) offline. Exit 0 on success; 1 when a document is invalid (its error on
/// stderr, nothing of it on stdout); 2 on usage or policy errors.
/// </summary>
internal static class MaskCommand
{
    public const string Usage = "usage: fastmask mask --policy FILE [--direction request|response] [--ndjson] [--stats] [--engine auto|hyperscan|regex] [INPUT|-]";

    /// <summary>Read size for input; a document's bytes reach the masker in pieces of this size.</summary>
    private const int ReadChunk = 64 * 1024;

    /// <summary>Longest NDJSON line accepted: one line is one document and is held whole until it is masked.</summary>
    private const int MaxLineBytes = 64 * 1024 * 1024;

    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        string? policyPath = null;
        string? input = null;
        var direction = MaskDirection.Request;
        var ndjson = false;
        var stats = false;
        DetectorEngineKind? engine = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--policy" when i + 1 < args.Length:
                    policyPath = args[++i];
                    break;
                case "--direction" when i + 1 < args.Length:
                    switch (args[++i])
                    {
                        case "request":
                            direction = MaskDirection.Request;
                            break;
                        case "response":
                            direction = MaskDirection.Response;
                            break;
                        default:
                            return UsageError(stderr, "--direction is 'request' or 'response'");
                    }

                    break;
                case "--engine" when i + 1 < args.Length:
                    if (!ScannerFactory.TryParse(args[++i], out var parsed))
                    {
                        return UsageError(stderr, "--engine is 'auto', 'hyperscan' or 'regex'");
                    }

                    engine = parsed;
                    break;
                case "--ndjson":
                    ndjson = true;
                    break;
                case "--stats":
                    stats = true;
                    break;
                case "-h" or "--help":
                    stderr.WriteLine(Usage);
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || input is not null)
                    {
                        return UsageError(stderr, $"unexpected argument '{args[i]}'");
                    }

                    input = args[i];
                    break;
            }
        }

        if (policyPath is null)
        {
            return UsageError(stderr, "--policy FILE is required");
        }

        CompiledPolicy policy;
        try
        {
            engine ??= ScannerFactory.FromEnvironment();
        }
        catch (ArgumentException e)
        {
            return UsageError(stderr, e.Message);
        }

        var loaded = PolicyLoader.LoadFile(policyPath, new PolicyCompileOptions { Engine = engine });
        if (loaded.Policy is null)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine($"{policyPath}: {error.Path}: {error.Message}");
            }

            return 2;
        }

        policy = loaded.Policy;
        Stream source;
        try
        {
            source = input is null or "-" ? stdin : File.OpenRead(input);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UsageError(stderr, $"cannot read '{input}': {e.Message}");
        }

        using (policy)
        using (source == stdin ? null : source)
        using (var context = new MaskContext(policy))
        {
            var totals = new long[policy.Entities.Length];
            var failed = ndjson
                ? MaskLines(context, direction, source, stdout, stderr, totals)
                : !MaskDocument(context, direction, source, stdout, stderr, totals);
            stdout.Flush();
            if (stats)
            {
                WriteStats(policy, totals, stderr);
            }

            return failed ? 1 : 0;
        }
    }

    /// <summary>Masks one document fed in pieces; writes it to stdout only once it is complete and valid.</summary>
    private static bool MaskDocument(MaskContext context, MaskDirection direction, Stream source, Stream stdout, TextWriter stderr, long[] totals)
    {
        using var session = new JsonMaskSession(context, direction);
        using var output = new PooledBufferWriter(ReadChunk);
        var pending = new PooledBufferWriter(ReadChunk);
        var spare = new PooledBufferWriter(ReadChunk);
        var chunk = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            while (true)
            {
                var read = source.Read(chunk, 0, chunk.Length);
                pending.Write(chunk.AsSpan(0, read));
                var buffer = new ReadOnlySequence<byte>(pending.WrittenMemory);
                var result = session.Feed(buffer, isFinalBlock: read == 0, output, out var consumed);
                if (result.IsError)
                {
                    stderr.WriteLine($"document 1: byte {result.ByteOffset}: {Describe(result)}");
                    return false;
                }

                if (read == 0)
                {
                    break;
                }

                // The unconsumed tail (a partial token) starts the next piece.
                spare.Clear();
                spare.Write(buffer.Slice(consumed).FirstSpan);
                (pending, spare) = (spare, pending);
            }

            Count(context, direction, totals);
            stdout.Write(output.WrittenSpan);
            stdout.WriteByte((byte)'\n');
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            pending.Dispose();
            spare.Dispose();
        }
    }

    /// <summary>One document per line; a line that fails is reported and left out, the others are written in order.</summary>
    private static bool MaskLines(MaskContext context, MaskDirection direction, Stream source, Stream stdout, TextWriter stderr, long[] totals)
    {
        using var line = new PooledBufferWriter(ReadChunk);
        using var output = new PooledBufferWriter(ReadChunk);
        var chunk = ArrayPool<byte>.Shared.Rent(ReadChunk);
        var failed = false;
        var lineNumber = 0;
        var tooLong = false;
        try
        {
            int read;
            do
            {
                read = source.Read(chunk, 0, chunk.Length);
                var data = chunk.AsSpan(0, read);
                while (true)
                {
                    var newline = data.IndexOf((byte)'\n');
                    if (newline < 0 && read > 0)
                    {
                        if (line.WrittenCount + data.Length > MaxLineBytes)
                        {
                            tooLong = true;
                        }
                        else
                        {
                            line.Write(data);
                        }

                        break;
                    }

                    var part = newline < 0 ? data : data[..newline];
                    if (!tooLong && line.WrittenCount + part.Length <= MaxLineBytes)
                    {
                        line.Write(part);
                    }
                    else
                    {
                        tooLong = true;
                    }

                    lineNumber++;
                    failed |= !MaskLine(context, direction, line, output, stdout, stderr, lineNumber, tooLong, totals);
                    line.Clear();
                    tooLong = false;
                    if (newline < 0)
                    {
                        break;
                    }

                    data = data[(newline + 1)..];
                }
            }
            while (read > 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return failed;
    }

    private static bool MaskLine(MaskContext context, MaskDirection direction, PooledBufferWriter line, PooledBufferWriter output, Stream stdout, TextWriter stderr, int lineNumber, bool tooLong, long[] totals)
    {
        var text = line.WrittenSpan;
        if (text.Length > 0 && text[^1] == (byte)'\r')
        {
            text = text[..^1];
        }

        if (tooLong)
        {
            stderr.WriteLine($"line {lineNumber}: byte {MaxLineBytes}: the line is longer than {MaxLineBytes} bytes");
            return false;
        }

        if (text.IndexOfAnyExcept(" \t"u8) < 0)
        {
            return true;
        }

        context.Reset();
        output.Clear();
        var result = JsonMasker.Mask(context, direction, line.WrittenMemory[..text.Length], output);
        if (!result.IsOk)
        {
            stderr.WriteLine($"line {lineNumber}: byte {result.ByteOffset}: {Describe(result)}");
            return false;
        }

        Count(context, direction, totals);
        stdout.Write(output.WrittenSpan);
        stdout.WriteByte((byte)'\n');
        return true;
    }

    private static void Count(MaskContext context, MaskDirection direction, long[] totals)
    {
        var counts = context.StatsFor(direction).Counts;
        for (var i = 0; i < counts.Length && i < totals.Length; i++)
        {
            totals[i] += counts[i];
        }
    }

    private static void WriteStats(CompiledPolicy policy, long[] totals, TextWriter stderr)
    {
        long sum = 0;
        for (var i = 0; i < totals.Length; i++)
        {
            if (totals[i] > 0)
            {
                stderr.WriteLine($"{policy.Entities[i].Name}\t{totals[i]}");
                sum += totals[i];
            }
        }

        stderr.WriteLine($"total\t{sum}");
    }

    private static string Describe(MaskError error) =>
        error.Status is MaskStatus.InvalidJson or MaskStatus.TruncatedDocument ? error.Reason : $"{error.Reason} ({error.Status})";

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"fastmask mask: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }
}
