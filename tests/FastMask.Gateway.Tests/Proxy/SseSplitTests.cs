using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastMask.Gateway.Tests.TestEnvironment;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Tests.Proxy;

/// <summary>
/// Streamed responses through the gateway over real sockets, with values cut across events at every position: what
/// the caller receives never holds them, keeps every event in order, and restores its own values from split tokens.
/// </summary>
public sealed class SseSplitTests : IClassFixture<SseSplitTests.Fixture>
{
    private const string Before = "Write to ";
    private const string After = " today.";

    private readonly Fixture _fixture;

    public SseSplitTests(Fixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, string, int> EntitySplits()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (entity, placeholder) in new[] { (TestPolicies.Email, "[EMAIL_ADDRESS]"), (TestPolicies.Card, "[CREDIT_CARD]") })
        {
            for (var split = 0; split <= entity.Length; split++)
            {
                data.Add(entity, placeholder, split);
            }
        }

        return data;
    }

    public static TheoryData<int> TokenSplits()
    {
        var data = new TheoryData<int>();
        for (var split = 0; split <= "[EMAIL_ADDRESS_1]".Length; split++)
        {
            data.Add(split);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EntitySplits))]
    public async Task Stream_EntitySplitAcrossTwoEvents_IsMaskedAndEventsKept(string entity, string placeholder, int split)
    {
        string[] upstream =
        [
            Event(0, Chunk(Before + entity[..split])),
            Event(1, Chunk(entity[split..] + After)),
            Event(2, Chunk("", finish: "stop")),
            Event(3, "[DONE]"),
        ];

        var (body, events) = await StreamAsync(_fixture.Redacting, upstream);

        TestPolicies.AssertNoPlanted(body);
        Assert.Equal(Sequence(4), Ids(events));
        Assert.Equal(Before + placeholder + After, Text(events));
        Assert.Equal("[DONE]", events[^1].Data);
        Assert.Equal("stop", FinishReason(events[2]));
    }

    [Fact]
    public async Task Stream_EntitiesInOneCharacterEvents_AreMaskedAndEveryEventKept()
    {
        var text = $"Mail {TestPolicies.Email} and bill card {TestPolicies.Card}, thanks.";
        var upstream = new List<string>();
        foreach (var c in text)
        {
            upstream.Add(Event(upstream.Count, Chunk(c.ToString())));
        }

        upstream.Add(Event(upstream.Count, Chunk("", finish: "stop")));
        upstream.Add(Event(upstream.Count, "[DONE]"));

        var (body, events) = await StreamAsync(_fixture.Redacting, upstream);

        TestPolicies.AssertNoPlanted(body);
        Assert.Equal(Sequence(upstream.Count), Ids(events));
        Assert.Equal("Mail [EMAIL_ADDRESS] and bill card [CREDIT_CARD], thanks.", Text(events));
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task Stream_NoFinishReason_HeldTextComesAsOneExtraEventBeforeDone()
    {
        string[] upstream =
        [
            Event(0, Chunk(Before + "jane.doe@")),
            Event(1, Chunk("example.com" + After)),
            Event(2, "[DONE]"),
        ];

        var (body, events) = await StreamAsync(_fixture.Redacting, upstream);

        TestPolicies.AssertNoPlanted(body);
        Assert.Equal(4, events.Count);
        Assert.Equal(new[] { "0", "1", null, "2" }, Ids(events));
        Assert.Equal("", Text(events.Take(2)));
        Assert.Equal(Before + "[EMAIL_ADDRESS]" + After, Text(events));
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task Stream_DoneEvent_PassesUnchanged()
    {
        string[] upstream = [Event(0, Chunk("hello", finish: "stop")), "event: end\nid: 7\ndata: [DONE]\n\n"];

        var (body, events) = await StreamAsync(_fixture.Redacting, upstream);

        Assert.Equal(2, events.Count);
        Assert.Equal("hello", Text(events));
        Assert.EndsWith("\n\nevent: end\nid: 7\ndata: [DONE]\n\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TokenSplits))]
    public async Task Stream_TokenSplitAcrossTwoEvents_IsRestoredForTheCaller(int split)
    {
        RecordedRequest? seen = null;
        var (body, events) = await StreamAsync(_fixture.Restoring, received =>
        {
            seen = received;
            var token = TokenIn(received);
            return
            [
                Event(0, Chunk("I will write to " + token[..split])),
                Event(1, Chunk(token[split..] + " now.")),
                Event(2, Chunk("", finish: "stop")),
                Event(3, "[DONE]"),
            ];
        });

        Assert.NotNull(seen);
        Assert.Contains("email [EMAIL_ADDRESS_1] please", seen.BodyText, StringComparison.Ordinal);
        TestPolicies.AssertNoPlanted(seen.BodyText);
        Assert.Equal(Sequence(4), Ids(events));
        Assert.Equal($"I will write to {TestPolicies.Email} now.", Text(events));
        Assert.DoesNotContain("[EMAIL_ADDRESS_1]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TokenInOneCharacterEvents_IsRestoredForTheCaller()
    {
        var (body, events) = await StreamAsync(_fixture.Restoring, received =>
        {
            var upstream = new List<string>();
            foreach (var c in $"Sure, {TokenIn(received)} it is.")
            {
                upstream.Add(Event(upstream.Count, Chunk(c.ToString())));
            }

            upstream.Add(Event(upstream.Count, Chunk("", finish: "stop")));
            upstream.Add(Event(upstream.Count, "[DONE]"));
            return upstream;
        });

        Assert.Equal(Sequence(events.Count), Ids(events));
        Assert.Equal($"Sure, {TestPolicies.Email} it is.", Text(events));
        Assert.DoesNotContain("[EMAIL_ADDRESS_1]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_EachEventReachesTheCallerBeforeTheUpstreamSendsTheNext()
    {
        // Text longer than the hold-back window, so the later events carry text and not only empty deltas.
        var pieces = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            pieces.Add($"Line {i}: all quiet here, nothing to report. ");
        }

        pieces.Insert(6, $"Mail {TestPolicies.Email} now. ");
        var upstream = new List<string>();
        foreach (var piece in pieces)
        {
            upstream.Add(Event(upstream.Count, Chunk(piece)));
        }

        upstream.Add(Event(upstream.Count, Chunk("", finish: "stop")));
        upstream.Add(Event(upstream.Count, "[DONE]"));

        // The upstream writes event i + 1 only after the caller has read event i: a gateway that buffered would stall.
        using var read = new SemaphoreSlim(0);
        var key = _fixture.Register(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < upstream.Count; i++)
            {
                if (i > 0)
                {
                    await read.WaitAsync(context.RequestAborted);
                }

                await context.Response.WriteAsync(upstream[i], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });

        // A guard against a hang when events are not flushed, not a timing assertion: cancelling drops the connection.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = Request(key);
        using var response = await _fixture.Redacting.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal(200, (int)response.StatusCode);
        using var stream = await response.Content.ReadAsStreamAsync(guard.Token);
        var reader = new EventReader(stream, guard.Token);
        var events = new List<SseEvent>();
        var withText = 0;
        while (await reader.ReadAsync() is { } text)
        {
            var received = SseEvent.Parse(text);
            events.Add(received);
            withText += Text([received]).Length > 0 ? 1 : 0;
            read.Release();
        }

        Assert.Equal(Sequence(upstream.Count), Ids(events));
        Assert.True(withText > 1, $"text arrived in {withText} event(s)");
        TestPolicies.AssertNoPlanted(reader.All);
        Assert.Equal(string.Concat(pieces).Replace(TestPolicies.Email, "[EMAIL_ADDRESS]", StringComparison.Ordinal), Text(events));
    }

    private async Task<(string Body, List<SseEvent> Events)> StreamAsync(TestGateway gateway, IReadOnlyList<string> events) =>
        await StreamAsync(gateway, _ => events);

    /// <summary>Posts a streamed chat request whose upstream answers with the events <paramref name="reply"/> builds from what it received.</summary>
    private async Task<(string Body, List<SseEvent> Events)> StreamAsync(TestGateway gateway, Func<RecordedRequest, IReadOnlyList<string>> reply)
    {
        var key = _fixture.Register(async (context, received) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var e in reply(received))
            {
                await context.Response.WriteAsync(e, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });

        using var request = Request(key);
        using var response = await gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("event: error", body, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        var events = new List<SseEvent>();
        foreach (var e in body[..^2].Split("\n\n"))
        {
            events.Add(SseEvent.Parse(e));
        }

        return (body, events);
    }

    private static HttpRequestMessage Request(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$$"""{"stream":true,"messages":[{"role":"user","content":"email {{{TestPolicies.Email}}} please"}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add(Fixture.CaseHeader, key);
        return request;
    }

    private static string TokenIn(RecordedRequest received)
    {
        // The model answers with the token it was given; "[none]" makes the test fail if there was none.
        var token = Regex.Match(received.BodyText, @"\[EMAIL_ADDRESS_\d+\]");
        return token.Success ? token.Value : "[none]";
    }

    private static string Event(int id, string data) => $"id: {id.ToString(CultureInfo.InvariantCulture)}\ndata: {data}\n\n";

    private static string Chunk(string content, string? finish = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", "chatcmpl-split");
            w.WriteString("object", "chat.completion.chunk");
            w.WriteString("model", "gpt-4o");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            w.WriteString("content", content);
            w.WriteEndObject();
            if (finish is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finish);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string?[] Ids(IEnumerable<SseEvent> events) => events.Select(e => e.Id).ToArray();

    private static string?[] Sequence(int count) => Enumerable.Range(0, count).Select(i => (string?)i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The streamed text of every event, in order (held text rides in the finish chunk or the extra flush chunk).</summary>
    private static string Text(IEnumerable<SseEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            if (e.Data is null or "[DONE]")
            {
                continue;
            }

            using var document = JsonDocument.Parse(e.Data);
            foreach (var choice in document.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
            }
        }

        return text.ToString();
    }

    private static string? FinishReason(SseEvent e)
    {
        using var document = JsonDocument.Parse(e.Data!);
        return document.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString();
    }

    /// <summary>One event as the caller received it.</summary>
    private sealed record SseEvent(string? Id, string? Data)
    {
        public static SseEvent Parse(string text)
        {
            string? id = null;
            string? data = null;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = data is null ? line[6..] : data + "\n" + line[6..];
                }
            }

            return new SseEvent(id, data);
        }
    }

    /// <summary>Reads a response body event by event, as it arrives.</summary>
    private sealed class EventReader(Stream stream, CancellationToken cancellationToken)
    {
        private readonly StringBuilder _pending = new();
        private readonly StringBuilder _all = new();
        private readonly byte[] _buffer = new byte[4096];
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

        public string All => _all.ToString();

        /// <summary>The next whole event (without its blank line), or null at the end of the body.</summary>
        public async Task<string?> ReadAsync()
        {
            while (true)
            {
                var pending = _pending.ToString();
                var end = pending.IndexOf("\n\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.Remove(0, end + 2);
                    return pending[..end];
                }

                var read = await stream.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    Assert.Equal("", pending);
                    return null;
                }

                var chars = new char[_decoder.GetCharCount(_buffer, 0, read)];
                _decoder.GetChars(_buffer, 0, read, chars, 0);
                _pending.Append(chars);
                _all.Append(chars);
            }
        }
    }

    /// <summary>One recording upstream and two gateways in front of it (redacting, and tokenizing with restore), shared by the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public const string CaseHeader = "X-Sse-Case";

        private readonly ConcurrentDictionary<string, Func<HttpContext, RecordedRequest, Task>> _replies = new();
        private int _next;

        internal RecordingUpstream Upstream { get; private set; } = null!;

        internal TestGateway Redacting { get; private set; } = null!;

        internal TestGateway Restoring { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await RecordingUpstream.StartAsync();
            Upstream.Respond = (context, received) =>
                received.Header(CaseHeader) is { } key && _replies.TryRemove(key, out var reply)
                    ? reply(context, received)
                    : RecordingUpstream.Json(context, 500, """{"error":{"message":"no reply registered"}}""");
            Redacting = await TestGateway.StartAsync(Upstream.Url);
            Restoring = await TestGateway.StartAsync(Upstream.Url, policy: TestPolicies.TokenizeAndRestore);
        }

        /// <summary>Registers the upstream's reply to one request; the returned key goes in <see cref="CaseHeader"/>.</summary>
        internal string Register(Func<HttpContext, RecordedRequest, Task> reply)
        {
            var key = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
            _replies[key] = reply;
            return key;
        }

        public async Task DisposeAsync()
        {
            await Restoring.DisposeAsync();
            await Redacting.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }
}
