using FastMask.Gateway.Proxy;

namespace FastMask.Gateway.Tests.Proxy;

public sealed class ContentTypesTests
{
    [Theory]
    [InlineData(null, "Missing")]
    [InlineData("", "Missing")]
    [InlineData("application/json", "Json")]
    [InlineData("Application/JSON; charset=UTF-8", "Json")]
    [InlineData("application/json;charset=\"utf-8\"", "Json")]
    [InlineData("application/vnd.api+json", "Json")]
    [InlineData("application/json; charset=utf-16", "Other")]
    [InlineData("application/json; charset=iso-8859-1", "Other")]
    [InlineData("text/event-stream", "EventStream")]
    [InlineData("text/event-stream; charset=utf-8", "EventStream")]
    [InlineData("text/plain", "Other")]
    [InlineData("application/jsonx", "Other")]
    public void Classify_ReturnsKind(string? contentType, string expected)
    {
        Assert.Equal(expected, ContentTypes.Classify(contentType).ToString());
    }

    [Theory]
    [InlineData("audio/mpeg", true)]
    [InlineData("audio/wav; rate=16000", true)]
    [InlineData("multipart/form-data; boundary=x", true)]
    [InlineData("audio", false)]
    [InlineData("video/mp4", false)]
    [InlineData(null, false)]
    public void Matches_TypeAndWildcard(string? contentType, bool expected)
    {
        Assert.Equal(expected, ContentTypes.Matches(contentType, ["audio/*", "multipart/form-data"]));
    }

    [Theory]
    [InlineData("gzip", "Gzip")]
    [InlineData(" GZIP ", "Gzip")]
    [InlineData("x-gzip", "Gzip")]
    [InlineData("br", "Brotli")]
    [InlineData("deflate", "Deflate")]
    [InlineData("identity", "Identity")]
    [InlineData(null, "Identity")]
    [InlineData("compress", "Unsupported")]
    [InlineData("gzip, br", "Unsupported")]
    public void ContentCoding_Parse(string? value, string expected)
    {
        Assert.Equal(expected, ContentCodings.Parse(value).ToString());
    }

    [Fact]
    public void Decode_OverLimit_StopsEarly()
    {
        var data = new byte[1 << 20];
        var compressed = Functional.ErrorResponseTests.Compress("gzip", data);
        using var output = new FastMask.Masking.PooledBufferWriter();

        var status = ContentCodings.Decode(ContentCoding.Gzip, new System.Buffers.ReadOnlySequence<byte>(compressed), 1000, output);

        Assert.Equal(DecodeStatus.TooLarge, status);
        Assert.True(output.WrittenCount < data.Length);
    }
}
