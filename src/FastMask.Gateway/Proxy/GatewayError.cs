using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// A refusal, written as an OpenAI-style error body <c>{"error":{"type":...,"message":...,"code":...}}</c>.
/// Messages are fixed text plus numbers: they never quote the request, the response or the credential.
/// <see cref="Code"/> doubles as the <c>reason</c> label of the refusals metric.
/// </summary>
internal readonly record struct GatewayError(int Status, string Type, string Code, string Message)
{
    private const string InvalidRequest = "invalid_request_error";
    private const string Upstream = "upstream_error";
    private const string Server = "server_error";

    public static GatewayError NoRoute => new(404, InvalidRequest, "route_not_found", "No route is configured for this path.");

    public static GatewayError MethodNotAllowed => new(405, InvalidRequest, "method_not_allowed", "This method is not allowed on this route.");

    public static GatewayError BodyTooLarge(long limit) =>
        new(413, InvalidRequest, "request_too_large", string.Create(CultureInfo.InvariantCulture, $"The request body is larger than this route's limit of {limit} bytes."));

    public static GatewayError UnsupportedMediaType =>
        new(415, InvalidRequest, "unsupported_media_type", "This route accepts application/json (UTF-8) request bodies only.");

    public static GatewayError UnsupportedEncoding =>
        new(415, InvalidRequest, "unsupported_content_encoding", "Content-Encoding must be gzip, br, deflate or identity.");

    public static GatewayError InvalidEncoding =>
        new(400, InvalidRequest, "invalid_content_encoding", "The request body could not be decoded with its Content-Encoding.");

    public static GatewayError InvalidJson(long offset, string reason) =>
        new(400, InvalidRequest, "invalid_json", string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON at byte offset {offset}: {reason}."));

    public static GatewayError InvalidUtf8(long offset) =>
        new(400, InvalidRequest, "invalid_utf8", string.Create(CultureInfo.InvariantCulture, $"The request body is not valid UTF-8 at byte offset {offset}."));

    public static GatewayError JsonTooDeep(long offset) =>
        new(400, InvalidRequest, "json_too_deep", string.Create(CultureInfo.InvariantCulture, $"The request body nests too deeply at byte offset {offset}."));

    public static GatewayError JsonTokenTooLarge(long offset) =>
        new(413, InvalidRequest, "json_value_too_large", string.Create(CultureInfo.InvariantCulture, $"A value in the request body is too large at byte offset {offset}."));

    public static GatewayError MaskingFailed => new(500, Server, "masking_failed", "The request could not be scanned for sensitive data, so it was not forwarded.");

    public static GatewayError UpstreamUnreachable => new(502, Upstream, "upstream_unreachable", "The upstream could not be reached or closed the connection.");

    public static GatewayError UpstreamTimeout => new(504, Upstream, "upstream_timeout", "The upstream did not respond in time.");

    public static GatewayError UpstreamInvalidResponse =>
        new(502, Upstream, "upstream_invalid_response", "The upstream response could not be masked, so it was not passed on.");

    public static GatewayError UpstreamResponseTooLarge =>
        new(502, Upstream, "upstream_response_too_large", "The upstream response is larger than this route's limit.");

    public static GatewayError UpstreamUnsupportedContent =>
        new(502, Upstream, "upstream_unsupported_content", "The upstream response has a content type or encoding this route does not pass on.");

    public static GatewayError Draining => new(503, Server, "draining", "The gateway is shutting down; retry on another instance.");

    /// <summary>Replaces whatever was prepared for the response with this error. The caller checks <c>HasStarted</c> first.</summary>
    public Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        var requestId = response.Headers[ProxyHeaders.RequestId];
        response.Clear();
        response.Headers[ProxyHeaders.RequestId] = requestId;
        response.StatusCode = Status;
        response.ContentType = "application/json";
        if (Status == 503)
        {
            response.Headers.Connection = "close";
        }

        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("type", Type);
            writer.WriteString("message", Message);
            writer.WriteString("code", Code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    /// <summary>An SSE event carrying this error, written when a stream must be cut off after its headers were sent.</summary>
    public void WriteEvent(IBufferWriter<byte> output)
    {
        output.Write("event: error\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("type", Type);
            writer.WriteString("message", Message);
            writer.WriteString("code", Code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }
}
