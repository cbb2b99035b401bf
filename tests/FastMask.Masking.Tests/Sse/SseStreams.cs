using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastMask.Masking.Json;
using FastMask.Masking.Sse;

namespace FastMask.Masking.Tests.Sse;

/// <summary>One parsed output event.</summary>
internal sealed record SseEvent(string? Event, string? Id, string? Retry, string? Data);

/// <summary>Builds OpenAI-style chunk streams, feeds them to an <see cref="SseMasker"/> in pieces and reads the output back.</summary>
internal static class SseStreams
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A chat chunk for choice <paramref name="choice"/>; <paramref name="content"/> null omits the member.</summary>
    public static string Chunk(string? content, int choice = 0, string? finish = null, bool contentNull = false) =>
        Write(w =>
        {
            Header(w);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", choice);
            w.WriteStartObject("delta");
            if (content is not null)
            {
                w.WriteString("content", content);
            }
            else if (contentNull)
            {
                w.WriteNull("content");
            }

            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteFinish(w, finish);
            w.WriteEndObject();
            w.WriteEndArray();
        });

    /// <summary>A chunk with one tool call's argument delta.</summary>
    public static string ToolChunk(int tool, string arguments, string? id = null, string? name = null) =>
        Write(w =>
        {
            Header(w);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", tool);
            if (id is not null)
            {
                w.WriteString("id", id);
                w.WriteString("type", "function");
            }

            w.WriteStartObject("function");
            if (name is not null)
            {
                w.WriteString("name", name);
            }

            w.WriteString("arguments", arguments);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteFinish(w, null);
            w.WriteEndObject();
            w.WriteEndArray();
        });

    private static void Header(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", "chatcmpl-1");
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", "gpt-4o");
    }

    private static void WriteFinish(Utf8JsonWriter w, string? finish)
    {
        if (finish is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finish);
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Data(string json) => "data: " + json + "\n\n";

    public const string DoneEvent = "data: [DONE]\n\n";

    /// <summary>A stream of one content chunk per piece, a finish chunk and [DONE].</summary>
    public static string ContentStream(IEnumerable<string> pieces, bool finish = true, bool done = true)
    {
        var sb = new StringBuilder();
        foreach (var piece in pieces)
        {
            sb.Append(Data(Chunk(piece)));
        }

        if (finish)
        {
            sb.Append(Data(Chunk(null, finish: "stop")));
        }

        if (done)
        {
            sb.Append(DoneEvent);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Feeds <paramref name="stream"/> cut at <paramref name="cuts"/>, each piece given as two segments (the
    /// unconsumed rest and the new bytes, as a PipeReader hands them back); the last piece is final.
    /// </summary>
    public static (MaskError Result, string Output) Run(SseMasker masker, byte[] stream, params int[] cuts)
    {
        var output = new ArrayBufferWriter<byte>();
        var pending = Array.Empty<byte>();
        var from = 0;
        MaskError result = default;
        foreach (var cut in cuts.Append(stream.Length).Distinct())
        {
            var piece = stream[from..cut];
            from = cut;
            var buffer = Segments.Create(pending, piece);
            result = masker.Feed(buffer, cut == stream.Length, output, out var consumed);
            if (result.IsError)
            {
                break;
            }

            pending = buffer.Slice(consumed).ToArray();
        }

        return (result, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    public static (MaskError Result, string Output) Run(MaskContext context, string stream, SseMaskerOptions? options = null, params int[] cuts)
    {
        using var masker = new SseMasker(context, Policy.MaskDirection.Response, options ?? SseMaskerOptions.Default);
        return Run(masker, Encoding.UTF8.GetBytes(stream), cuts);
    }

    /// <summary>Parses the masker's output (LF line ends only; a stricter reader than a client needs to be).</summary>
    public static List<SseEvent> Parse(string output)
    {
        Assert.DoesNotContain('\r', output);
        var events = new List<SseEvent>();
        string? type = null, id = null, retry = null, data = null;
        var any = false;
        var lines = output.Split('\n');
        Assert.Equal("", lines[^1]);
        foreach (var line in lines.AsSpan(0, lines.Length - 1))
        {
            if (line.Length == 0)
            {
                Assert.True(any, "an empty event was written");
                events.Add(new SseEvent(type, id, retry, data));
                type = id = retry = data = null;
                any = false;
                continue;
            }

            any = true;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"line without a field name: {line}");
            Assert.True(line.Length > colon + 1 && line[colon + 1] == ' ', $"field without a space: {line}");
            var value = line[(colon + 2)..];
            switch (line[..colon])
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "retry": retry = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
                default: Assert.Fail($"unexpected field: {line}"); break;
            }
        }

        Assert.False(any, "the output ends inside an event");
        return events;
    }

    /// <summary>The concatenated text of one streamed field of choice <paramref name="choice"/> over all events.</summary>
    public static string Collect(List<SseEvent> events, Func<JsonElement, string?> field, int choice = 0)
    {
        var sb = new StringBuilder();
        foreach (var e in events)
        {
            if (e.Data is null or "[DONE]")
            {
                continue;
            }

            using var doc = JsonDocument.Parse(e.Data);
            if (!doc.RootElement.TryGetProperty("choices", out var choices))
            {
                continue;
            }

            foreach (var c in choices.EnumerateArray())
            {
                if (c.GetProperty("index").GetInt32() == choice)
                {
                    sb.Append(field(c));
                }
            }
        }

        return sb.ToString();
    }

    public static string? Content(JsonElement choice) =>
        choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()
            : null;

    public static string? Arguments(JsonElement choice, int tool)
    {
        if (!choice.TryGetProperty("delta", out var delta) || !delta.TryGetProperty("tool_calls", out var calls))
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var call in calls.EnumerateArray())
        {
            if (call.GetProperty("index").GetInt32() == tool && call.TryGetProperty("function", out var function) && function.TryGetProperty("arguments", out var arguments))
            {
                sb.Append(arguments.GetString());
            }
        }

        return sb.ToString();
    }
}
