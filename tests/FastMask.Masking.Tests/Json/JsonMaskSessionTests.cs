using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FastMask.Masking.Json;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Tests.Json;

public class JsonMaskSessionTests
{
    private const string ChatWithPii = """
        {"model":"gpt-4o","messages":[{"role":"system","content":"You are helpful."},
         {"role":"user","content":"Mail me at john.doe@example.com or call, card 4111 1111 1111 1111 thanks"}],
         "temperature":0.2,"stream":false,"n":1,"stop":null,"tags":["a","b"]}
        """;

    private static (MaskError Result, string Output) Mask(CompiledPolicy policy, string json, MaskDirection direction = MaskDirection.Request)
    {
        using var context = new MaskContext(policy);
        return Segments.MaskWhole(context, direction, Segments.Create(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Mask_DocumentWithoutFindings_IsCopiedByteForByte()
    {
        const string json = " {\"a\" : [1, 2.5e3, true, false, null, \"plain text\", {\"b\":\"x\\ty\"}] ,\"c\":{}}\n";
        var (result, output) = Mask(TestPolicies.Create(), json);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(json, output);
    }

    [Fact]
    public void Mask_ChatCompletion_RedactsEmailAndCardAndKeepsStructure()
    {
        var (result, output) = Mask(TestPolicies.Create(), ChatWithPii);
        Assert.True(result.IsOk, result.ToString());
        Assert.DoesNotContain("john.doe@example.com", output, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", output, StringComparison.Ordinal);
        Assert.Contains("Mail me at [EMAIL_ADDRESS] or call, card [CREDIT_CARD] thanks", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("gpt-4o", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal(0.2, doc.RootElement.GetProperty("temperature").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("stop").ValueKind);
        Assert.Equal(2, doc.RootElement.GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("\"john\\u0040example.com\"")]
    [InlineData("\"\\u006aohn@example.com\"")]
    [InlineData("\"john@example\\u002ecom\"")]
    public void Mask_EscapedEmail_IsDecodedBeforeScanning(string literal)
    {
        var (result, output) = Mask(TestPolicies.Create(), "{\"q\":" + literal + "}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"q\":\"[EMAIL_ADDRESS]\"}", output);
    }

    [Fact]
    public void Mask_ReplacementIsReEncoded_QuotesAndControlsEscaped()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Redact) { Placeholder = "<\"{entity}\"\n>" });
        var (result, output) = Mask(policy, "{\"q\":\"to a@b.io\\n\"}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"q\":\"to <\\\"EMAIL_ADDRESS\\\"\\n>\\n\"}", output);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("to <\"EMAIL_ADDRESS\"\n>\n", doc.RootElement.GetProperty("q").GetString());
    }

    [Fact]
    public void Mask_SurrogatePairsAroundEntity_SpanIsExact()
    {
        var (result, output) = Mask(TestPolicies.Create(), "{\"q\":\"😀 a@b.io 😀 \\ud83d\\ude00\"}");
        Assert.True(result.IsOk, result.ToString());
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("😀 [EMAIL_ADDRESS] 😀 😀", doc.RootElement.GetProperty("q").GetString());
    }

    [Fact]
    public void Mask_EveryTwoAndThreeSegmentSplit_GivesIdenticalOutput()
    {
        var data = Encoding.UTF8.GetBytes(ChatWithPii.Replace("john.doe", "john\\u002edoe", StringComparison.Ordinal));
        var policy = TestPolicies.Create(fields: [("$.model", "MODEL", TestPolicies.Restricted)]);
        using var context = new MaskContext(policy);
        var (expectedResult, expected) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Create(data));
        Assert.True(expectedResult.IsOk);
        Assert.Contains("[MODEL]", expected, StringComparison.Ordinal);
        for (var i = 0; i <= data.Length; i++)
        {
            var (r2, o2) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Split(data, i));
            Assert.True(r2.IsOk, $"split at {i}: {r2}");
            Assert.Equal(expected, o2);
            for (var j = i; j <= data.Length; j += 7)
            {
                var (r3, o3) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Split(data, i, j));
                Assert.True(r3.IsOk, $"split at {i},{j}: {r3}");
                Assert.Equal(expected, o3);
            }
        }
    }

    [Fact]
    public void Feed_EveryIncrementalSplit_GivesIdenticalOutput()
    {
        const string json = "{\"a\":\"x@y.io\", \"ssn\" : \"123\" ,\"b\":[1, {\"ssn\":7}, \"4111-1111-1111-1111\"], \"c\" :true}";
        var policy = TestPolicies.Create(fields: [("$..ssn", "US_SSN", TestPolicies.Restricted)], restricted: new OperatorSpec(OperatorKind.Remove));
        var data = Encoding.UTF8.GetBytes(json);
        using var context = new MaskContext(policy);
        var (expectedResult, expected) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Create(data));
        Assert.True(expectedResult.IsOk);
        Assert.Equal("{\"a\":\"[EMAIL_ADDRESS]\"  ,\"b\":[1, {}, \"\"], \"c\" :true}", expected);
        for (var i = 0; i <= data.Length; i++)
        {
            var (r, o) = Segments.MaskIncremental(context, MaskDirection.Request, data, i);
            Assert.True(r.IsOk, $"cut at {i}: {r}");
            Assert.Equal(expected, o);
            for (var j = i; j <= data.Length; j += 5)
            {
                var (r3, o3) = Segments.MaskIncremental(context, MaskDirection.Request, data, i, j);
                Assert.True(r3.IsOk, $"cut at {i},{j}: {r3}");
                Assert.Equal(expected, o3);
            }
        }

        // One byte at a time.
        var cuts = Enumerable.Range(1, data.Length - 1).ToArray();
        var (r1, o1) = Segments.MaskIncremental(context, MaskDirection.Request, data, cuts);
        Assert.True(r1.IsOk, r1.ToString());
        Assert.Equal(expected, o1);
    }

    [Theory]
    [InlineData("{\"ssn\":1,\"a\":2}", "{\"a\":2}")]
    [InlineData("{\"a\":1,\"ssn\":2}", "{\"a\":1}")]
    [InlineData("{\"a\":1,\"ssn\":2,\"b\":3}", "{\"a\":1,\"b\":3}")]
    [InlineData("{\"ssn\":1}", "{}")]
    [InlineData("{\"ssn\":{\"x\":[1,2]},\"ssn\":\"y\",\"a\":[]}", "{\"a\":[]}")]
    [InlineData("[{\"ssn\":1},{\"ssn\":2,\"k\":{\"ssn\":[3]}}]", "[{},{\"k\":{}}]")]
    public void Mask_RemoveOperator_DropsMemberAndItsComma(string json, string expected)
    {
        var policy = TestPolicies.Create(fields: [("$..ssn", "US_SSN", TestPolicies.Restricted)], restricted: new OperatorSpec(OperatorKind.Remove));
        var (result, output) = Mask(policy, json);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("$.items[*]", "{\"items\":[1,2,3],\"n\":1}", "{\"items\":[],\"n\":1}")]
    [InlineData("$.items[0]", "{\"items\":[1,2,3]}", "{\"items\":[2,3]}")]
    [InlineData("$.items[1]", "{\"items\":[1,2,3]}", "{\"items\":[1,3]}")]
    [InlineData("$.items[2]", "{\"items\":[1,2,3]}", "{\"items\":[1,2]}")]
    [InlineData("$", "{\"items\":[1,2,3]}", "null")]
    public void Mask_RemoveArrayElements_KeepsValidJson(string path, string json, string expected)
    {
        var policy = TestPolicies.Create(fields: [(path, "SECRET", TestPolicies.Restricted)], restricted: new OperatorSpec(OperatorKind.Remove));
        var (result, output) = Mask(policy, json);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("$.customer.ssn", "{\"customer\":{\"ssn\":\"123-45-6789\"},\"ssn\":\"x\"}", "{\"customer\":{\"ssn\":\"[US_SSN]\"},\"ssn\":\"x\"}")]
    [InlineData("$..ssn", "{\"customer\":{\"ssn\":123456789},\"ssn\":\"x\"}", "{\"customer\":{\"ssn\":\"[US_SSN]\"},\"ssn\":\"[US_SSN]\"}")]
    [InlineData("$.customer.*", "{\"customer\":{\"a\":1,\"b\":true},\"c\":2}", "{\"customer\":{\"a\":\"[US_SSN]\",\"b\":\"[US_SSN]\"},\"c\":2}")]
    [InlineData("$.customer", "{\"customer\":{\"a\":[1,null,\"s\"]}}", "{\"customer\":{\"a\":[\"[US_SSN]\",null,\"[US_SSN]\"]}}")]
    [InlineData("$..*", "{\"a\":{\"b\":1}}", "{\"a\":{\"b\":\"[US_SSN]\"}}")]
    [InlineData("$.list[*].ssn", "{\"list\":[{\"ssn\":1},{\"x\":{\"ssn\":2}}]}", "{\"list\":[{\"ssn\":\"[US_SSN]\"},{\"x\":{\"ssn\":2}}]}")]
    [InlineData("$['we\"ird']", "{\"we\\\"ird\":1}", "{\"we\\\"ird\":\"[US_SSN]\"}")]
    [InlineData("$.esc", "{\"\\u0065sc\":1}", "{\"\\u0065sc\":\"[US_SSN]\"}")]
    public void Mask_FieldRules_ApplyByPath(string path, string json, string expected)
    {
        var policy = TestPolicies.Create(fields: [(path, "US_SSN", TestPolicies.Restricted)]);
        var (result, output) = Mask(policy, json);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Mask_FieldNameRule_MatchesNormalisedNames()
    {
        var policy = TestPolicies.Create(fieldNames: [("dateofbirth", "DATE_OF_BIRTH", TestPolicies.Restricted), ("lastname", "PERSON", TestPolicies.Restricted)]);
        var (result, output) = Mask(policy, "{\"Date_Of_Birth\":\"1990-01-02\",\"last-name\":\"Doe\",\"name\":\"get_weather\"}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"Date_Of_Birth\":\"[DATE_OF_BIRTH]\",\"last-name\":\"[PERSON]\",\"name\":\"get_weather\"}", output);
    }

    [Fact]
    public void Mask_FieldNameRule_LeavesContainersToPathRulesAndDetectors()
    {
        // A tool definition's JSON schema names its parameters; the schema itself is not personal data.
        var policy = TestPolicies.Create(fieldNames: [("email", "EMAIL_ADDRESS", TestPolicies.Confidential), ("dob", "DATE_OF_BIRTH", TestPolicies.Restricted)]);
        const string json = "{\"parameters\":{\"properties\":{\"email\":{\"type\":\"string\",\"description\":\"to a@b.io\"}}},\"email\":\"x\",\"dob\":[1990]}";
        var (result, output) = Mask(policy, json);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"parameters\":{\"properties\":{\"email\":{\"type\":\"string\",\"description\":\"to [EMAIL_ADDRESS]\"}}},\"email\":\"[EMAIL_ADDRESS]\",\"dob\":[1990]}", output);
    }

    [Fact]
    public void Mask_FieldNameRuleWithRemove_NullsTheScalarValue()
    {
        var policy = TestPolicies.Create(restricted: new OperatorSpec(OperatorKind.Remove), fieldNames: [("dob", "DATE_OF_BIRTH", TestPolicies.Restricted)]);
        var (result, output) = Mask(policy, "{\"a\":1,\"dob\":\"1990-01-02\",\"b\":2}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"a\":1,\"dob\":null,\"b\":2}", output);
    }

    [Fact]
    public void Mask_KeptFieldStillScannedByDetectors()
    {
        var policy = TestPolicies.Create(fields: [("$.note", "NOTE", TestPolicies.Public)]);
        var (result, output) = Mask(policy, "{\"note\":\"write to a@b.io\"}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"note\":\"write to [EMAIL_ADDRESS]\"}", output);
    }

    [Fact]
    public void Mask_PartialOperator_KeepsLastCharacters()
    {
        var policy = TestPolicies.Create(restricted: new OperatorSpec(OperatorKind.Partial) { KeepLast = 4, MaskChar = '#' });
        var (result, output) = Mask(policy, "{\"q\":\"card 4111-1111-1111-1111.\"}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"q\":\"card ###############1111.\"}", output);
    }

    [Fact]
    public void Mask_HashOperator_IsKeyedHmacTruncated()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Hash) { HashLength = 16 });
        var (result, output) = Mask(policy, "{\"q\":\"a@b.io\"}");
        Assert.True(result.IsOk, result.ToString());
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(TestPolicies.HashKey, "a@b.io"u8))[..16];
        Assert.Equal("{\"q\":\"" + expected + "\"}", output);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData("a@b.io"u8))[..16], expected);
    }

    [Fact]
    public void Mask_Tokenize_SameValueSameTokenAndRestoreRoundTrips()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Tokenize), responseConfidential: OperatorSpec.Keep, restoreTokens: true);
        using var context = new MaskContext(policy);
        var request = "{\"m\":\"a@b.io, c@d.io and a@b.io again\",\"n\":\"c@d.io\"}";
        var (r1, masked) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Create(Encoding.UTF8.GetBytes(request)));
        Assert.True(r1.IsOk);
        Assert.Equal("{\"m\":\"[EMAIL_ADDRESS_1], [EMAIL_ADDRESS_2] and [EMAIL_ADDRESS_1] again\",\"n\":\"[EMAIL_ADDRESS_2]\"}", masked);
        Assert.Equal(2, context.Vault.Count);
        Assert.Equal(4, context.RequestStats.CountOf(TestPolicies.Email));

        var response = "{\"reply\":\"I will write to [EMAIL_ADDRESS_2] and [EMAIL_ADDRESS_1]; [EMAIL_ADDRESS_9] is unknown\"}";
        var (r2, restored) = Segments.MaskWhole(context, MaskDirection.Response, Segments.Create(Encoding.UTF8.GetBytes(response)));
        Assert.True(r2.IsOk);
        Assert.Equal("{\"reply\":\"I will write to c@d.io and a@b.io; [EMAIL_ADDRESS_9] is unknown\"}", restored);
    }

    [Fact]
    public void Mask_TokensAreNotSharedBetweenContexts()
    {
        var policy = TestPolicies.Create(confidential: new OperatorSpec(OperatorKind.Tokenize), responseConfidential: OperatorSpec.Keep, restoreTokens: true);
        using var first = new MaskContext(policy);
        using var second = new MaskContext(policy);
        Segments.MaskWhole(first, MaskDirection.Request, Segments.Create("{\"m\":\"a@b.io\"}"u8.ToArray()));
        var (_, other) = Segments.MaskWhole(second, MaskDirection.Response, Segments.Create("{\"m\":\"[EMAIL_ADDRESS_1]\"}"u8.ToArray()));
        Assert.Equal("{\"m\":\"[EMAIL_ADDRESS_1]\"}", other);
    }

    [Fact]
    public void Mask_ToolCallArguments_AreMaskedInsideAndReEncoded()
    {
        const string json = """
            {"messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{\"email\":\"x@y.io\",\"ssn\":\"078-05-1120\",\"n\":3}"}}]}]}
            """;
        var policy = TestPolicies.Create(fields: [("$..ssn", "US_SSN", TestPolicies.Restricted)]);
        var (result, output) = Mask(policy, json);
        Assert.True(result.IsOk, result.ToString());
        using var doc = JsonDocument.Parse(output);
        var arguments = doc.RootElement.GetProperty("messages")[0].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!;
        Assert.Equal("{\"email\":\"[EMAIL_ADDRESS]\",\"ssn\":\"[US_SSN]\",\"n\":3}", arguments);
    }

    [Fact]
    public void Mask_StringThatOnlyLooksLikeJson_IsScannedAsText()
    {
        var (result, output) = Mask(TestPolicies.Create(), "{\"q\":\"{not json a@b.io\"}");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("{\"q\":\"{not json [EMAIL_ADDRESS]\"}", output);
    }

    [Theory]
    [InlineData("{\"a\":1,}", MaskStatus.InvalidJson)]
    [InlineData("{\"a\" 1}", MaskStatus.InvalidJson)]
    [InlineData("{\"a\":tru}", MaskStatus.InvalidJson)]
    [InlineData("{'a':1}", MaskStatus.InvalidJson)]
    [InlineData("{\"a\":1} {\"b\":2}", MaskStatus.InvalidJson)]
    [InlineData("{\"a\":\"x\\q\"}", MaskStatus.InvalidJson)]
    [InlineData("{\"a\":[1,2", MaskStatus.TruncatedDocument)]
    [InlineData("{\"a\":\"abc", MaskStatus.TruncatedDocument)]
    [InlineData("", MaskStatus.TruncatedDocument)]
    [InlineData("   ", MaskStatus.TruncatedDocument)]
    [InlineData("{\"a\":\"\\ud800\"}", MaskStatus.InvalidUtf8)]
    public void Mask_BadInput_IsAnErrorWithOffset(string json, MaskStatus expected)
    {
        var (result, _) = Mask(TestPolicies.Create(), json);
        Assert.Equal(expected, result.Status);
        Assert.InRange(result.ByteOffset, 0, Encoding.UTF8.GetByteCount(json));
        Assert.DoesNotContain("\"", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_InvalidJson_ReportsByteOffsetOfTheError()
    {
        var (result, _) = Mask(TestPolicies.Create(), "{\"a\":1,\"b\":x}");
        Assert.Equal(MaskStatus.InvalidJson, result.Status);
        Assert.Equal(11, result.ByteOffset);
    }

    [Fact]
    public void Mask_InvalidUtf8InString_IsRefused()
    {
        using var context = new MaskContext(TestPolicies.Create());
        var data = "{\"a\":\"ab\xFFcd\"}"u8.ToArray();
        data[8] = 0xFF;
        var (result, _) = Segments.MaskWhole(context, MaskDirection.Request, Segments.Create(data));
        Assert.True(result.Status is MaskStatus.InvalidUtf8 or MaskStatus.InvalidJson, result.ToString());
    }

    [Fact]
    public void Mask_NestingDeeperThanLimit_IsRefused()
    {
        var policy = TestPolicies.Create(limits: new MaskerLimits { MaxDepth = 8 });
        var ok = new string('[', 8) + new string(']', 8);
        var tooDeep = new string('[', 9) + new string(']', 9);
        Assert.True(Mask(policy, ok).Result.IsOk);
        var (result, _) = Mask(policy, tooDeep);
        Assert.Equal(MaskStatus.DepthLimitExceeded, result.Status);
        Assert.Equal(8, result.ByteOffset);
    }

    [Fact]
    public void Mask_DefaultDepthLimitIs64()
    {
        var policy = TestPolicies.Create();
        Assert.True(Mask(policy, new string('[', 64) + new string(']', 64)).Result.IsOk);
        Assert.Equal(MaskStatus.DepthLimitExceeded, Mask(policy, new string('[', 65) + new string(']', 65)).Result.Status);
    }

    [Fact]
    public void Mask_TokenLargerThanLimit_IsRefused_WholeAndIncremental()
    {
        var policy = TestPolicies.Create(limits: new MaskerLimits { MaxTokenBytes = 100 });
        Assert.True(Mask(policy, "{\"a\":\"" + new string('x', 100) + "\"}").Result.IsOk);
        var big = "{\"a\":\"" + new string('x', 101) + "\"}";
        Assert.Equal(MaskStatus.TokenTooLarge, Mask(policy, big).Result.Status);

        using var context = new MaskContext(policy);
        var huge = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 10_000) + "\"}");
        var cuts = Enumerable.Range(1, 99).Select(i => i * 100).ToArray();
        var (result, _) = Segments.MaskIncremental(context, MaskDirection.Request, huge, cuts);
        Assert.Equal(MaskStatus.TokenTooLarge, result.Status);
    }

    [Fact]
    public void Feed_AfterError_StaysFailed()
    {
        using var context = new MaskContext(TestPolicies.Create());
        using var session = new JsonMaskSession(context, MaskDirection.Request);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var first = session.Feed(Segments.Create("{\"a\":x"u8.ToArray()), false, output, out _);
        Assert.Equal(MaskStatus.InvalidJson, first.Status);
        var second = session.Feed(Segments.Create("1}"u8.ToArray()), true, output, out _);
        Assert.Equal(MaskStatus.InvalidJson, second.Status);
    }

    [Fact]
    public void Mask_ResponseExemption_ShowsLevelUnmasked()
    {
        var policy = TestPolicies.Create();
        using var context = new MaskContext(policy) { ExemptResponseLevels = 1UL << TestPolicies.Confidential };
        var input = Segments.Create("{\"m\":\"a@b.io 4111 1111 1111 1111\"}"u8.ToArray());
        var (response, output) = Segments.MaskWhole(context, MaskDirection.Response, input);
        Assert.True(response.IsOk);
        Assert.Equal("{\"m\":\"a@b.io [CREDIT_CARD]\"}", output);
        var (request, requestOutput) = Segments.MaskWhole(context, MaskDirection.Request, input);
        Assert.True(request.IsOk);
        Assert.Equal("{\"m\":\"[EMAIL_ADDRESS] [CREDIT_CARD]\"}", requestOutput);
    }

    [Fact]
    public void Mask_RootString_IsMasked()
    {
        var (result, output) = Mask(TestPolicies.Create(), "\"a@b.io\"");
        Assert.True(result.IsOk);
        Assert.Equal("\"[EMAIL_ADDRESS]\"", output);
    }

    [Fact]
    public void Mask_SteadyState_AllocatesNothing()
    {
        var policy = TestPolicies.Create(fields: [("$..ssn", "US_SSN", TestPolicies.Restricted)]);
        using var context = new MaskContext(policy);
        var input = Segments.Create(Encoding.UTF8.GetBytes(ChatWithPii.Replace("\"n\":1", "\"ssn\":\"x\"", StringComparison.Ordinal)));
        using var output = new PooledBufferWriter(8192);
        for (var i = 0; i < 50; i++)
        {
            output.Clear();
            context.Reset();
            Assert.True(JsonMasker.Mask(context, MaskDirection.Request, input, output).IsOk);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.Clear();
            context.Reset();
            JsonMasker.Mask(context, MaskDirection.Request, input, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
