using System.Buffers;
using System.Text;
using System.Text.Json;
using FastMask.Masking.Detection;
using FastMask.Masking.Json;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;
using FastMask.Masking.Sse;
using static FastMask.Masking.Tests.Sse.SseStreams;

namespace FastMask.Masking.Tests.Sse;

public class SseMaskerTests
{
    private const string Email = "john.doe@example.com";
    private const string Card = "4111 1111 1111 1111";

    // Longer than the default hold-back, so that text is emitted while the stream goes on and cuts fall near entities.
    private static readonly string s_before = Filler("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 300) + " ";
    private static readonly string s_after = " " + Filler("Sed do eiusmod tempor incididunt ut labore et dolore. ", 300);

    private static string Filler(string text, int length)
    {
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            sb.Append(text);
        }

        return sb.ToString(0, length);
    }

    private static MaskContext NewContext() => new(TestPolicies.Create());

    private static (MaskError Result, List<SseEvent> Events, string Output) Mask(string stream, MaskContext? context = null, SseMaskerOptions? options = null, params int[] cuts)
    {
        var owned = context is null ? NewContext() : null;
        try
        {
            var (result, output) = Run(context ?? owned!, stream, options, cuts);
            return (result, result.IsOk ? Parse(output) : [], output);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    public static TheoryData<string, string> Entities => new()
    {
        { Email, "[EMAIL_ADDRESS]" },
        { Card, "[CREDIT_CARD]" },
    };

    [Theory]
    [MemberData(nameof(Entities))]
    public void Feed_EntitySplitAcrossTwoEventsAtEveryPosition_IsMasked(string entity, string placeholder)
    {
        for (var split = 1; split < entity.Length; split++)
        {
            var stream = ContentStream([s_before + entity[..split], entity[split..] + s_after]);
            var (result, events, output) = Mask(stream);
            Assert.True(result.IsOk, result.ToString());
            Assert.Equal(4, events.Count);
            Assert.Equal(s_before + placeholder + s_after, Collect(events, Content));
            Assert.DoesNotContain(entity, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void Feed_EntitySplitAcrossThreeEventsAtEveryPositionPair_IsMasked(string entity, string placeholder)
    {
        for (var a = 1; a < entity.Length - 1; a++)
        {
            for (var b = a + 1; b < entity.Length; b++)
            {
                var stream = ContentStream([s_before + entity[..a], entity[a..b], entity[b..] + s_after]);
                var (result, events, _) = Mask(stream);
                Assert.True(result.IsOk, result.ToString());
                Assert.Equal(s_before + placeholder + s_after, Collect(events, Content));
            }
        }
    }

    [Fact]
    public void Feed_TextInOneCharacterEvents_EntitiesMaskedAndEventCountKept()
    {
        var text = s_before + "Mail " + Email + ", card " + Card + "." + s_after;
        var stream = ContentStream(text.Select(c => c.ToString()));
        var (result, events, output) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(text.Length + 2, events.Count);
        Assert.Equal(s_before + "Mail [EMAIL_ADDRESS], card [CREDIT_CARD]." + s_after, Collect(events, Content));
        Assert.DoesNotContain("doe@", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"1111\"", output, StringComparison.Ordinal);
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public void Feed_TokenLongerThanTheHoldBackInOneCharacterEvents_NoneOfItIsEmitted()
    {
        // A 600-byte JWT: its header and payload stream out long before the second dot makes it a match.
        var claims = "{\"sub\":\"" + new string('x', 400) + "\",\"email\":\"" + Email + "\"}";
        var jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims))
            + "." + new string('s', 43);
        Assert.True(jwt.Length > 2 * SseMaskerOptions.Default.HoldBackBytes);
        var text = s_before + "Use " + jwt + " to call it." + s_after;
        using var policy = BuiltInPolicy();
        using var context = new MaskContext(policy);

        var (result, events, output) = Mask(ContentStream(text.Select(c => c.ToString())), context);

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(text.Length + 2, events.Count);
        Assert.Equal(s_before + "Use [JWT] to call it." + s_after, Collect(events, Content));
        Assert.DoesNotContain(jwt.Substring(40, 8), output, StringComparison.Ordinal);
    }

    /// <summary>Every built-in entity type, redacted both ways.</summary>
    private static CompiledPolicy BuiltInPolicy()
    {
        var result = PolicyLoader.Load(
            """
            {
              "apiVersion": "fastmask/v1", "version": "sse-builtins", "levels": ["public", "restricted"],
              "detectors": { "builtIn": "all", "defaultLevel": "restricted", "engine": "regex" },
              "actions": { "request": { "public": "keep", "restricted": "redact" }, "response": { "public": "keep", "restricted": "redact" } }
            }
            """u8.ToArray(),
            new PolicyCompileOptions());
        return result.Policy ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    [Fact]
    public void Feed_LongText_IsEmittedWhileStreamingHoldingOnlyTheWindow()
    {
        var text = Filler("abcdefghij ", 1000);
        var stream = ContentStream(text.Select(c => c.ToString()), finish: false, done: false);
        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        var output = new ArrayBufferWriter<byte>();
        var result = masker.Feed(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(stream)), isFinalBlock: false, output, out _);
        Assert.Equal(MaskStatus.NeedMoreData, result.Status);
        var emitted = Collect(Parse(Encoding.UTF8.GetString(output.WrittenSpan)), Content);
        Assert.Equal(text[..(text.Length - SseMaskerOptions.Default.HoldBackBytes)], emitted);
    }

    [Fact]
    public void Feed_EventsWithIds_CountAndOrderPreserved()
    {
        var sb = new StringBuilder();
        var pieces = new[] { "Hello", " there, write to ", "jane", "@example.org", " please", "." };
        var n = 0;
        sb.Append("id: ").Append(++n).Append('\n').Append(Data(Chunk("")));
        foreach (var piece in pieces)
        {
            sb.Append("id: ").Append(++n).Append('\n').Append(Data(Chunk(piece)));
        }

        sb.Append("id: ").Append(++n).Append('\n').Append(Data(Chunk(null, finish: "stop")));
        sb.Append(DoneEvent);
        var (result, events, _) = Mask(sb.ToString());
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(n + 1, events.Count);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), events[i].Id);
        }

        Assert.Equal("Hello there, write to [EMAIL_ADDRESS] please.", Collect(events, Content));
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public void Feed_Done_PassesUnchangedWithItsFields()
    {
        var (result, _, output) = Mask("event: done\nid: 9\ndata: [DONE]\n\n");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("event: done\nid: 9\ndata: [DONE]\n\n", output);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Feed_CrLfAndCrLineEnds_GiveTheSameOutputAsLf(string lineEnd)
    {
        var stream = ": comment\nevent: message\nid: 1\n" + ContentStream([s_before + "john.doe@ex", "ample.com" + s_after]);
        using var expectedContext = NewContext();
        var (expected, expectedOutput) = Run(expectedContext, stream);
        Assert.True(expected.IsOk, expected.ToString());
        var converted = stream.Replace("\n", lineEnd, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(converted);
        for (var cut = 1; cut < bytes.Length; cut += 7)
        {
            using var context = NewContext();
            using var masker = new SseMasker(context, MaskDirection.Response);
            var (result, output) = Run(masker, bytes, cut);
            Assert.True(result.IsOk, result.ToString());
            Assert.Equal(expectedOutput, output);
        }
    }

    [Fact]
    public void Feed_CrAtEndOfPieceThenLf_IsOneLineEnd()
    {
        // The JSON spans two data lines; were the LF after the cut a blank line, half a document would be dispatched.
        var json = Chunk("hi", finish: "stop");
        var middle = json.IndexOf(",\"choices\"", StringComparison.Ordinal);
        var stream = "data: " + json[..middle] + "\r\ndata: " + json[middle..] + "\r\n\r\n" + DoneEvent;
        var bytes = Encoding.UTF8.GetBytes(stream);
        var firstCr = stream.IndexOf('\r', StringComparison.Ordinal);
        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        var (result, output) = Run(masker, bytes, firstCr + 1);
        Assert.True(result.IsOk, result.ToString());
        var events = Parse(output);
        Assert.Equal(2, events.Count);
        Assert.Equal("hi", Collect(events, Content));
    }

    [Fact]
    public void Feed_MultiLineData_IsJoinedWithLineFeedsAndReSplit()
    {
        var json = Chunk("mail " + Email, finish: "stop");
        var split = json.Replace(",\"choices\"", "\n,\"choices\"", StringComparison.Ordinal);
        var stream = "data: " + split.Replace("\n", "\ndata:", StringComparison.Ordinal) + "\n\n";
        var (result, events, output) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Single(events);
        Assert.Contains("\ndata: ,\"choices\"", output, StringComparison.Ordinal);
        Assert.Equal("mail [EMAIL_ADDRESS]", Collect(events, Content));
        using var doc = JsonDocument.Parse(events[0].Data!);
        Assert.Equal("gpt-4o", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Feed_EventIdAndRetryLines_ArePreserved()
    {
        var stream = "event: message\nid: abc-1\nretry: 3000\ndata: " + Chunk("x", finish: "stop") + "\n\nid: abc-2\n\n" + DoneEvent;
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(3, events.Count);
        Assert.Equal(("message", "abc-1", "3000"), (events[0].Event, events[0].Id, events[0].Retry));
        Assert.Equal(new SseEvent(null, "abc-2", null, null), events[1]);
    }

    [Fact]
    public void Feed_EventAndIdValues_AreScanned()
    {
        var (result, events, output) = Mask("event: to " + Email + "\nid: " + Email + "\ndata: [DONE]\n\n");
        Assert.True(result.IsOk, result.ToString());
        Assert.DoesNotContain(Email, output, StringComparison.Ordinal);
        Assert.Equal(("to [EMAIL_ADDRESS]", "[EMAIL_ADDRESS]"), (events[0].Event, events[0].Id));
    }

    [Fact]
    public void Feed_CommentsAndUnknownFields_AreDropped()
    {
        var stream = ": keep-alive\n\n: ping " + Email + "\nfoo: bar\ndata: " + Chunk("ok", finish: "stop") + "\n: trailing\n\n" + DoneEvent;
        var (result, events, output) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(2, events.Count);
        Assert.DoesNotContain("keep-alive", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, output, StringComparison.Ordinal);
        Assert.DoesNotContain("foo", output, StringComparison.Ordinal);
        Assert.Equal("ok", Collect(events, Content));
    }

    [Fact]
    public void Feed_ByteOrderMark_IsSkipped()
    {
        var (result, events, _) = Mask("\uFEFFdata: " + Chunk("ok", finish: "stop") + "\n\n");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("ok", Collect(events, Content));
    }

    [Fact]
    public void Feed_ToolCallArgumentsSplitAcrossEvents_AreMasked()
    {
        const string arguments = "{\"to\":\"john.doe@example.com\",\"card\":\"4111 1111 1111 1111\",\"note\":\"hello\"}";
        for (var size = 1; size <= 9; size += 4)
        {
            var sb = new StringBuilder();
            sb.Append(Data(ToolChunk(0, "", id: "call_1", name: "send")));
            for (var i = 0; i < arguments.Length; i += size)
            {
                sb.Append(Data(ToolChunk(0, arguments[i..Math.Min(arguments.Length, i + size)])));
            }

            sb.Append(Data(Chunk(null, finish: "tool_calls"))).Append(DoneEvent);
            var (result, events, output) = Mask(sb.ToString());
            Assert.True(result.IsOk, result.ToString());
            Assert.Equal((arguments.Length + size - 1) / size + 3, events.Count);
            Assert.Equal("{\"to\":\"[EMAIL_ADDRESS]\",\"card\":\"[CREDIT_CARD]\",\"note\":\"hello\"}", Collect(events, c => Arguments(c, 0)));
            Assert.DoesNotContain("doe@", output, StringComparison.Ordinal);
            Assert.DoesNotContain("4111", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Feed_TwoToolCallsAndTwoChoices_AreSeparateStreams()
    {
        var stream = new StringBuilder()
            .Append(Data(ToolChunk(0, "{\"a\":\"john.doe@", id: "c0", name: "f")))
            .Append(Data(ToolChunk(1, "{\"b\":\"4111 1111 ", id: "c1", name: "g")))
            .Append(Data(ToolChunk(0, "example.com\"}")))
            .Append(Data(ToolChunk(1, "1111 1111\"}")))
            .Append(Data(Chunk("jane@", choice: 1)))
            .Append(Data(Chunk("example.org", choice: 1)))
            .Append(Data(Chunk(null, finish: "tool_calls")))
            .Append(Data(Chunk(null, choice: 1, finish: "stop")))
            .Append(DoneEvent)
            .ToString();
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(9, events.Count);
        Assert.Equal("{\"a\":\"[EMAIL_ADDRESS]\"}", Collect(events, c => Arguments(c, 0)));
        Assert.Equal("{\"b\":\"[CREDIT_CARD]\"}", Collect(events, c => Arguments(c, 1)));
        Assert.Equal("[EMAIL_ADDRESS]", Collect(events, Content, choice: 1));
    }

    [Fact]
    public void Feed_TokenSplitAcrossEvents_IsRestoredOnceWhole()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Tokenize), responseConfidential: OperatorSpec.Keep, restoreTokens: true);
        const string token = "[EMAIL_ADDRESS_1]";
        for (var split = 0; split <= token.Length; split++)
        {
            using var context = new MaskContext(policy);
            var (request, masked) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Create("{\"m\":\"write to a@b.io\"}"u8.ToArray()));
            Assert.True(request.IsOk);
            Assert.Contains(token, masked, StringComparison.Ordinal);

            var stream = ContentStream([s_before + "I wrote to " + token[..split], token[split..] + " today." + s_after]);
            var (result, events, output) = Mask(stream, context);
            Assert.True(result.IsOk, result.ToString());
            Assert.Equal(s_before + "I wrote to a@b.io today." + s_after, Collect(events, Content));
            Assert.DoesNotContain("EMAIL_ADDRESS", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Feed_RestoredValue_IsNotMaskedAgainButRawEntityIs()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Tokenize), responseConfidential: OperatorSpec.Redact, restoreTokens: true);
        using var context = new MaskContext(policy);
        Segments.MaskWhole(context, MaskDirection.Request, Segments.Create("{\"m\":\"write to a@b.io\"}"u8.ToArray()));
        var stream = ContentStream([s_before + "Sent to [EMAIL_ADD", "RESS_1], cc x@y.", "io." + s_after]);
        var (result, events, _) = Mask(stream, context);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(s_before + "Sent to a@b.io, cc [EMAIL_ADDRESS]." + s_after, Collect(events, Content));
    }

    [Fact]
    public void Feed_EveryByteSplit_GivesIdenticalOutput()
    {
        var stream = "retry: 100\r\n" + ContentStream(["Hi ", "john.doe@ex", "ample.com and ", "4111 1111 ", "1111 1111", " é😀 done"])
            .Replace("\n\n", "\r\n\r\n", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(stream);
        using var wholeContext = NewContext();
        using var wholeMasker = new SseMasker(wholeContext, MaskDirection.Response);
        var (expected, expectedOutput) = Run(wholeMasker, bytes);
        Assert.True(expected.IsOk, expected.ToString());
        Assert.Equal("Hi [EMAIL_ADDRESS] and [CREDIT_CARD] é😀 done", Collect(Parse(expectedOutput), Content));

        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            masker.Reset();
            var (result, output) = Run(masker, bytes, cut);
            Assert.True(result.IsOk, $"cut {cut}: {result}");
            Assert.Equal(expectedOutput, output);
        }

        masker.Reset();
        var (oneByOne, oneByOneOutput) = Run(masker, bytes, [.. Enumerable.Range(1, bytes.Length - 1)]);
        Assert.True(oneByOne.IsOk, oneByOne.ToString());
        Assert.Equal(expectedOutput, oneByOneOutput);
    }

    [Fact]
    public void Feed_MultiByteCharactersAroundTheCut_StayWhole()
    {
        var text = Filler("añ😀ü€ ", 700) + " " + Email;
        var stream = ContentStream(text.EnumerateRunes().Select(r => r.ToString()));
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(text.Replace(Email, "[EMAIL_ADDRESS]", StringComparison.Ordinal), Collect(events, Content));
    }

    [Fact]
    public void Feed_HeldTextAtFinishReason_GoesIntoTheFinishChunk()
    {
        var stream = ContentStream(["Write to ", "john.doe@", "example.com"]);
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(5, events.Count);
        Assert.Equal("", Collect([.. events.Take(3)], Content));
        using var finish = JsonDocument.Parse(events[3].Data!);
        var choice = finish.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Write to [EMAIL_ADDRESS]", choice.GetProperty("delta").GetProperty("content").GetString());
    }

    [Fact]
    public void Feed_FinishChunkWithNullContent_ReceivesTheHeldText()
    {
        var stream = Data(Chunk("mail john.doe@example.com")) + Data(Chunk(null, finish: "stop", contentNull: true)) + DoneEvent;
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(3, events.Count);
        Assert.Equal("mail [EMAIL_ADDRESS]", Collect(events, Content));
    }

    [Fact]
    public void Feed_NoFinishReason_HeldTextFlushedAsOneExtraEventBeforeDone()
    {
        var stream = ContentStream(["Write to ", "john.doe@", "example.com"], finish: false);
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(5, events.Count);
        Assert.Equal("[DONE]", events[^1].Data);
        using var flush = JsonDocument.Parse(events[3].Data!);
        Assert.Equal("chatcmpl-1", flush.RootElement.GetProperty("id").GetString());
        Assert.Equal("gpt-4o", flush.RootElement.GetProperty("model").GetString());
        Assert.Equal("Write to [EMAIL_ADDRESS]", SseStreams.Content(flush.RootElement.GetProperty("choices")[0]));
    }

    [Fact]
    public void Feed_NoFinishReasonAndNoDone_HeldTextFlushedAtEndOfBody()
    {
        var stream = ContentStream(["Write to ", "john.doe@", "example.com"], finish: false, done: false);
        var (result, events, output) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(4, events.Count);
        Assert.Equal("Write to [EMAIL_ADDRESS]", Collect(events, Content));
        Assert.DoesNotContain("john", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_Logprobs_AreReplacedByNull()
    {
        var json = Chunk("jo", finish: "stop").Replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"jo\",\"bytes\":[106,111]}]}", StringComparison.Ordinal);
        var (result, events, output) = Mask(Data(json));
        Assert.True(result.IsOk, result.ToString());
        Assert.DoesNotContain("106", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(events[0].Data!);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
    }

    [Fact]
    public void Feed_OtherFieldsOfTheChunk_AreMaskedByTheJsonMasker()
    {
        var json = Chunk("x", finish: "stop").Replace("\"gpt-4o\"", "\"" + Email + "\"", StringComparison.Ordinal);
        var (result, _, output) = Mask(Data(json));
        Assert.True(result.IsOk, result.ToString());
        Assert.DoesNotContain(Email, output, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"[EMAIL_ADDRESS]\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_MatchThatKeepsReachingTheEnd_IsHeldUpToTheBoundThenEmittedMasked()
    {
        // Every label extends the address: the match always touches the end of the pending text.
        var options = new SseMaskerOptions { HoldBackBytes = 80, MaxHeldBytes = 120 };
        var pieces = Enumerable.Repeat(".abcdefghij", 20).Prepend("mail john@example.com").Append(" and more");
        var stream = ContentStream(pieces, finish: false, done: false);
        using var context = NewContext();
        var (result, output) = Run(context, stream, options);
        Assert.True(result.IsOk, result.ToString());
        var events = Parse(output);
        Assert.DoesNotContain("john", output, StringComparison.Ordinal);

        // Held while it grows, released masked once past 120 bytes, long before the stream ends.
        var first = events.FindIndex(e => e.Data!.Contains("[EMAIL_ADDRESS]", StringComparison.Ordinal));
        Assert.InRange(first, 9, 12);
        Assert.Equal("mail ", Collect(events[..first], Content));
        var text = Collect(events, Content);
        Assert.StartsWith("mail [EMAIL_ADDRESS]", text, StringComparison.Ordinal);
        Assert.EndsWith(" and more", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data: {\"choices\":[}\n\n")]
    [InlineData("data: not json\n\n")]
    [InlineData("data: {\"a\":1}{\"b\":2}\n\n")]
    [InlineData("data: \ndata: \n\n")]
    public void Feed_DataThatIsNotJson_IsAnError(string bad)
    {
        using var context = NewContext();
        var good = Data(Chunk("fine " + Email));
        var (result, output) = Run(context, good + bad + DoneEvent);
        Assert.Equal(MaskStatus.InvalidJson, result.Status);
        Assert.Equal(good.Length, result.ByteOffset);
        Assert.DoesNotContain("not json", output, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"a\":1}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_InvalidUtf8InStreamedText_IsAnError()
    {
        var bytes = Encoding.UTF8.GetBytes(Data(Chunk("ab", finish: "stop")));
        bytes[bytes.AsSpan().IndexOf("\"ab\""u8) + 1] = 0xFF;
        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        var (result, _) = Run(masker, bytes);
        Assert.Equal(MaskStatus.InvalidUtf8, result.Status);
    }

    [Fact]
    public void Feed_EventLargerThanLimit_IsAnError_WholeAndInPieces()
    {
        var options = new SseMaskerOptions { MaxEventBytes = 1024 };
        var big = Data(Chunk(new string('x', 2000)));
        var small = Data(Chunk("ok"));
        var bytes = Encoding.UTF8.GetBytes(small + big + DoneEvent);
        foreach (var cuts in new int[][] { [], [.. Enumerable.Range(1, bytes.Length / 50).Select(i => i * 50)] })
        {
            using var context = NewContext();
            using var masker = new SseMasker(context, MaskDirection.Response, options);
            var (result, output) = Run(masker, bytes, cuts);
            Assert.Equal(MaskStatus.TokenTooLarge, result.Status);
            Assert.DoesNotContain("xxxx", output, StringComparison.Ordinal);
        }

        // Many data lines that are each small still add up to one event.
        var lines = string.Concat(Enumerable.Repeat("data: " + new string(' ', 100) + "\n", 20));
        var (linesResult, _, _) = Mask(lines + "\n", options: options);
        Assert.Equal(MaskStatus.TokenTooLarge, linesResult.Status);
    }

    [Fact]
    public void Feed_BodyEndsInsideAnEvent_IsTruncated()
    {
        var (partialLine, _, _) = Mask(Data(Chunk("a")) + "data: {\"cho");
        Assert.Equal(MaskStatus.TruncatedDocument, partialLine.Status);
        var (noBlankLine, _, _) = Mask(Data(Chunk("a")) + "data: [DONE]\n");
        Assert.Equal(MaskStatus.TruncatedDocument, noBlankLine.Status);
    }

    [Fact]
    public void Feed_AfterError_StaysFailed()
    {
        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        var output = new ArrayBufferWriter<byte>();
        var first = masker.Feed(new ReadOnlySequence<byte>("data: nope\n\n"u8.ToArray()), false, output, out _);
        Assert.Equal(MaskStatus.InvalidJson, first.Status);
        var again = masker.Feed(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(DoneEvent)), true, output, out _);
        Assert.Equal(first, again);
        Assert.Equal(0, output.WrittenCount);
    }

    /// <summary>The test policy plus a secret that counts only after a keyword (as AWS secret keys do).</summary>
    private static CompiledPolicy PolicyWithKeywordDetector()
    {
        var p = TestPolicies.Create();
        var secret = new PatternSpec("[A-Za-z0-9]{40}")
        {
            LeftBoundary = BoundaryClass.AlphaNumeric,
            RightBoundary = BoundaryClass.AlphaNumeric,
            ContextKeywords = ["secret"],
            ContextWindow = 32,
        };
        var detectors = p.Detector.Definitions.Add(new DetectorDefinition(2, secret));
        return new CompiledPolicy(
            p.ApiVersion, p.Version, p.Levels, p.Entities.Add(new EntityInfo("AWS_SECRET_KEY", TestPolicies.Restricted)),
            p.FieldRules, p.FieldNameRules, p.RequestActions, p.ResponseActions, EntityDetector.Create(detectors, DetectorEngineKind.Regex),
            p.HashKey, p.RestoreTokensInResponse, p.Exemptions, p.Risk, p.Limits);
    }

    [Fact]
    public void Feed_KeywordAlreadyEmitted_SecretAfterItIsStillMasked()
    {
        // One character per event: the keyword is emitted while the secret is still arriving, so only the context
        // kept from emitted text lets the detector see both.
        const string secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12";
        var text = s_before + "the secret is " + secret + s_after;
        using var context = new MaskContext(PolicyWithKeywordDetector());
        var (result, events, output) = Mask(ContentStream(text.Select(c => c.ToString())), context);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(s_before + "the secret is [AWS_SECRET_KEY]" + s_after, Collect(events, Content));
        Assert.DoesNotContain("EXAMPLE", output, StringComparison.Ordinal);

        // Without the keyword the same characters are not a secret.
        using var plain = new MaskContext(PolicyWithKeywordDetector());
        var (_, plainEvents, _) = Mask(ContentStream((s_before + "the value is " + secret + s_after).Select(c => c.ToString())), plain);
        Assert.Contains(secret, Collect(plainEvents, Content), StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_LegacyTextAndRefusal_AreStreamsToo()
    {
        static string Legacy(string text, string? finish) =>
            "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"" + text + "\",\"index\":0,\"logprobs\":null,\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + "}]}";
        static string Refusal(string text, string? finish) =>
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"" + text + "\"},\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + "}]}";

        var legacy = Data(Legacy("mail john.doe@", null)) + Data(Legacy("example.com", null)) + Data(Legacy("", "stop")) + DoneEvent;
        var (r1, e1, o1) = Mask(legacy);
        Assert.True(r1.IsOk, r1.ToString());
        Assert.Equal(4, e1.Count);
        Assert.Equal("mail [EMAIL_ADDRESS]", Collect(e1, c => c.GetProperty("text").GetString()));
        Assert.DoesNotContain("john", o1, StringComparison.Ordinal);

        var refusal = Data(Refusal("no, 4111 1111 ", null)) + Data(Refusal("1111 1111", null)) + Data(Chunk(null, finish: "stop")) + DoneEvent;
        var (r2, e2, o2) = Mask(refusal);
        Assert.True(r2.IsOk, r2.ToString());
        Assert.Equal(4, e2.Count);
        Assert.Equal("no, [CREDIT_CARD]", Collect(e2, c => c.GetProperty("delta").TryGetProperty("refusal", out var v) ? v.GetString() : null));
        Assert.DoesNotContain("4111", o2, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_IndexAfterDelta_StillKeysTheStreams()
    {
        static string Late(string a, string b) =>
            "{\"choices\":[{\"delta\":{\"content\":\"" + a + "\"},\"index\":1},{\"delta\":{\"content\":\"" + b + "\"},\"index\":0}]}";
        var stream = Data(Late("x john.doe@", "y 4111 1111 ")) + Data(Late("example.com", "1111 1111")) + DoneEvent;
        var (result, events, _) = Mask(stream);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(4, events.Count);
        Assert.Equal("x [EMAIL_ADDRESS]", Collect(events, Content, choice: 1));
        Assert.Equal("y [CREDIT_CARD]", Collect(events, Content, choice: 0));
    }

    [Fact]
    public void Feed_MoreTextStreamsThanLimit_IsAnError()
    {
        var options = new SseMaskerOptions { MaxTextStreams = 2 };
        var stream = Data(Chunk("a", choice: 0)) + Data(Chunk("b", choice: 1)) + Data(Chunk("c", choice: 2)) + DoneEvent;
        var (result, _, _) = Mask(stream, options: options);
        Assert.Equal(MaskStatus.TokenTooLarge, result.Status);
    }

    [Fact]
    public void Feed_Stats_CountEachEntityOnce()
    {
        using var context = NewContext();
        var text = s_before + "a " + Email + " b " + Card + " c " + Email + s_after;
        var (result, _, _) = Mask(ContentStream(text.Select(c => c.ToString())), context);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(2, context.ResponseStats.CountOf(TestPolicies.Email));
        Assert.Equal(1, context.ResponseStats.CountOf(TestPolicies.Card));
    }

    [Fact]
    public void Feed_SteadyState_AllocatesNothing()
    {
        using var context = NewContext();
        using var masker = new SseMasker(context, MaskDirection.Response);
        var events = new List<ReadOnlySequence<byte>>();
        var text = Filler("Some text with " + Email + " inside, and more words. ", 3000);
        for (var i = 0; i < text.Length; i += 4)
        {
            events.Add(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Data(Chunk(text[i..Math.Min(text.Length, i + 4)])))));
        }

        using var output = new PooledBufferWriter(1 << 16);
        for (var i = 0; i < 200; i++)
        {
            output.Clear();
            Assert.Equal(MaskStatus.NeedMoreData, masker.Feed(events[i], false, output, out _).Status);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 200; i < events.Count; i++)
        {
            output.Clear();
            masker.Feed(events[i], false, output, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(MaskStatus.NeedMoreData, masker.Error.Status);
    }
}
