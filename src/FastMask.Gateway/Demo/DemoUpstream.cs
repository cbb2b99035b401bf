using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FastMask.Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastMask.Gateway.Demo;

/// <summary>
/// <c>fastmask demo-upstream --listen http://127.0.0.1:8081</c>: a stand-in for an OpenAI-compatible model server
/// that echoes what it received, so a newcomer sees exactly what the model would have seen through the gateway.
/// </summary>
internal static class DemoUpstreamCommand
{
    public const string DefaultListen = "http://127.0.0.1:8081";

    public static async Task<int> RunAsync(string[] args)
    {
        var listen = DefaultListen;
        var printBodies = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--listen" when i + 1 < args.Length:
                    listen = args[++i];
                    break;
                case "--print-bodies":
                    printBodies = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine("usage: fastmask demo-upstream [--listen http://127.0.0.1:8081] [--print-bodies]");
                    Console.WriteLine("  An OpenAI-compatible echo server: chat completions (plain and stream: true),");
                    Console.WriteLine("  embeddings, models. --print-bodies prints every request body it receives.");
                    return 0;
                default:
                    Console.Error.WriteLine($"fastmask demo-upstream: unknown argument '{args[i]}'");
                    return 2;
            }
        }

        if (!ListenAddress.TryParse(listen, out _, out var error))
        {
            Console.Error.WriteLine($"fastmask demo-upstream: --listen: {error}");
            return 2;
        }

        DemoUpstream upstream;
        try
        {
            upstream = await DemoUpstream.StartAsync(listen, printBodies ? Console.Out : null);
        }
        catch (IOException e)
        {
            // Kestrel reports an address in use as an IOException.
            Console.Error.WriteLine($"fastmask demo-upstream: cannot listen: {e.Message}");
            return 1;
        }

        await using var running = upstream;
        Console.WriteLine($"demo upstream listening on {upstream.Url} (Ctrl+C to stop)");
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
        await stop.Task;
        return 0;
    }
}

/// <summary>
/// The echo server. <c>POST /v1/chat/completions</c> answers "You said: " + the last user message (as JSON, or with
/// <c>stream: true</c> as several <c>chat.completion.chunk</c> events and <c>data: [DONE]</c>); a request with
/// <c>tools</c> is answered with a call of the first tool whose arguments echo the message. <c>POST /v1/embeddings</c>
/// returns small deterministic vectors plus <c>input_received</c>; <c>GET /v1/models</c> lists one model.
/// </summary>
public sealed class DemoUpstream : IAsyncDisposable
{
    public const string ModelId = "fastmask-echo";

    /// <summary>Characters per streamed content chunk: small, like model tokens, so values span several events.</summary>
    private const int StreamPieceLength = 6;

    private readonly WebApplication _app;
    private readonly TextWriter? _bodyLog;
    private long _sequence;

    private DemoUpstream(WebApplication app, TextWriter? bodyLog)
    {
        _app = app;
        _bodyLog = bodyLog;
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<DemoUpstream> StartAsync(string listenUrl, TextWriter? bodyLog = null, CancellationToken cancellationToken = default)
    {
        if (!ListenAddress.TryParse(listenUrl, out var address, out var error))
        {
            throw new ArgumentException(error, nameof(listenUrl));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "fastmask-demo-upstream" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            switch (address!.Kind)
            {
                case ListenHostKind.Any:
                    kestrel.ListenAnyIP(address.Port);
                    break;
                case ListenHostKind.Localhost when address.Port != 0:
                    kestrel.ListenLocalhost(address.Port);
                    break;
                case ListenHostKind.Localhost:
                    kestrel.Listen(System.Net.IPAddress.Loopback, 0);
                    break;
                default:
                    kestrel.Listen(address.Address!, address.Port);
                    break;
            }
        });

        var app = builder.Build();
        var upstream = new DemoUpstream(app, bodyLog);
        app.Run(upstream.HandleAsync);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Url = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (HttpMethods.IsGet(request.Method) && path == "/v1/models")
        {
            await WriteJsonAsync(context, 200, static w =>
            {
                w.WriteString("object", "list");
                w.WriteStartArray("data");
                w.WriteStartObject();
                w.WriteString("id", ModelId);
                w.WriteString("object", "model");
                w.WriteNumber("created", 0);
                w.WriteString("owned_by", "fastmask");
                w.WriteEndObject();
                w.WriteEndArray();
            });
            return;
        }

        if (!HttpMethods.IsPost(request.Method) || path is not ("/v1/chat/completions" or "/v1/embeddings"))
        {
            await WriteErrorAsync(context, 404, "not_found", "The demo upstream serves /v1/chat/completions, /v1/embeddings and /v1/models.");
            return;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (_bodyLog is not null)
        {
            await _bodyLog.WriteLineAsync($"--> {request.Method} {path}{Environment.NewLine}{Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length)}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, 400, "invalid_json", "The request body is not valid JSON.");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                await WriteErrorAsync(context, 400, "invalid_request", "The request body must be a JSON object.");
                return;
            }

            if (path == "/v1/embeddings")
            {
                await EmbeddingsAsync(context, document.RootElement);
            }
            else
            {
                await ChatAsync(context, document.RootElement);
            }
        }
    }

    private async Task ChatAsync(HttpContext context, JsonElement root)
    {
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : ModelId;
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var said = LastUserText(root);
        var tool = FirstToolName(root);
        var id = "chatcmpl-echo-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var content = "You said: " + said;
        var arguments = tool is null ? null : EchoArguments(said);

        if (!stream)
        {
            await WriteJsonAsync(context, 200, w =>
            {
                WriteCompletionHeader(w, id, "chat.completion", created, model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                if (tool is null)
                {
                    w.WriteString("content", content);
                }
                else
                {
                    w.WriteNull("content");
                    w.WriteStartArray("tool_calls");
                    WriteToolCall(w, 0, tool, arguments!, withHeader: true);
                    w.WriteEndArray();
                }

                w.WriteEndObject();
                w.WriteString("finish_reason", tool is null ? "stop" : "tool_calls");
                w.WriteEndObject();
                w.WriteEndArray();
                WriteUsage(w, said.Length, (arguments ?? content).Length);
            });
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await WriteChunkAsync(context, id, created, model, w =>
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", "");
        }, null);

        var text = arguments ?? content;
        var first = true;
        foreach (var piece in Pieces(text))
        {
            var isFirst = first;
            first = false;
            await WriteChunkAsync(context, id, created, model, w =>
            {
                if (tool is null)
                {
                    w.WriteString("content", piece);
                }
                else
                {
                    w.WriteStartArray("tool_calls");
                    WriteToolCall(w, 0, tool, piece, withHeader: isFirst);
                    w.WriteEndArray();
                }
            }, null);
        }

        await WriteChunkAsync(context, id, created, model, static _ => { }, tool is null ? "stop" : "tool_calls");
        await response.BodyWriter.WriteAsync("data: [DONE]\n\n"u8.ToArray(), context.RequestAborted);
    }

    private static async Task EmbeddingsAsync(HttpContext context, JsonElement root)
    {
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : ModelId;
        // OpenAI clients ask for base64 (little-endian float32) by default and decode it themselves.
        var base64 = root.TryGetProperty("encoding_format", out var format) && format.ValueKind == JsonValueKind.String && format.ValueEquals("base64"u8);
        var inputs = new List<string>();
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind == JsonValueKind.String)
            {
                inputs.Add(input.GetString()!);
            }
            else if (input.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in input.EnumerateArray())
                {
                    inputs.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
                }
            }
        }

        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < inputs.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                var vector = Embed(inputs[i]);
                if (base64)
                {
                    var bytes = new byte[vector.Length * sizeof(float)];
                    for (var k = 0; k < vector.Length; k++)
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * sizeof(float)), vector[k]);
                    }

                    w.WriteString("embedding", Convert.ToBase64String(bytes));
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var value in vector)
                    {
                        w.WriteNumberValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("model", model);
            var tokens = 0;
            w.WriteStartArray("input_received");
            foreach (var text in inputs)
            {
                w.WriteStringValue(text);
                tokens += (text.Length + 3) / 4;
            }

            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
        });
    }

    /// <summary>The text of the last user message: a string, or the text parts of a content array joined by newlines.</summary>
    private static string LastUserText(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        JsonElement? last = null;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueEquals("user"))
            {
                last = message;
            }
        }

        if (last is not { } user || !user.TryGetProperty("content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                if (text.Length > 0)
                {
                    text.Append('\n');
                }

                text.Append(t.GetString());
            }
        }

        return text.ToString();
    }

    private static string? FirstToolName(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object
                && tool.TryGetProperty("function", out var function)
                && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name)
                && name.ValueKind == JsonValueKind.String)
            {
                return name.GetString();
            }
        }

        return null;
    }

    private static string EchoArguments(string said)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("echo", said);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static IEnumerable<string> Pieces(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var length = Math.Min(StreamPieceLength, text.Length - i);
            if (i + length < text.Length && char.IsHighSurrogate(text[i + length - 1]))
            {
                length++;
            }

            yield return text.Substring(i, length);
            i += length;
        }
    }

    /// <summary>Eight numbers derived from the text: deterministic, so tests and demos can compare them.</summary>
    private static float[] Embed(string text)
    {
        var vector = new float[8];
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
            vector[hash % 8] += 1;
        }

        var norm = 0f;
        foreach (var v in vector)
        {
            norm += v * v;
        }

        norm = norm > 0 ? MathF.Sqrt(norm) : 1;
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    private static void WriteCompletionHeader(Utf8JsonWriter w, string id, string kind, long created, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }

    private static void WriteToolCall(Utf8JsonWriter w, int index, string name, string arguments, bool withHeader)
    {
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (withHeader)
        {
            w.WriteString("id", "call_echo_1");
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (withHeader)
        {
            w.WriteString("name", name);
        }

        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, int promptChars, int completionChars)
    {
        var prompt = (promptChars + 3) / 4;
        var completion = (completionChars + 3) / 4;
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", prompt + completion);
        w.WriteEndObject();
    }

    private static async Task WriteChunkAsync(HttpContext context, string id, long created, string model, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteCompletionHeader(w, id, "chat.completion.chunk", created, model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            if (finishReason is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finishReason);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject("error");
            w.WriteString("type", "invalid_request_error");
            w.WriteString("message", message);
            w.WriteString("code", code);
            w.WriteEndObject();
        });
}
