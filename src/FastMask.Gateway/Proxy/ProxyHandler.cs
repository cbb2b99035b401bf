using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using FastMask.Gateway.Operations;
using FastMask.Gateway.Serve;
using FastMask.Masking;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;
using FastMask.Masking.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// The data plane: one instance per gateway, <see cref="InvokeAsync"/> per request.
/// <code>
/// caller ──▶ Kestrel ──▶ InvokeAsync
///   ├─ X-Request-Id (propagated or new) · route by longest path prefix · method check · 503 while draining
///   ├─ ReadRequestBodyAsync ── Content-Length &gt; limit? 413 ── PipeReader until complete, limit on every read: 413
///   │     Content-Type: JSON → mask · pass-through type → forward unchanged · other → 415
///   │     Content-Encoding: gzip|br|deflate → decode with the same limit (zip bomb: 413) · other → 415
///   │     JsonMasker.Mask(request rules) ── error? 400 (byte offset) / 500 detector failure; nothing sent upstream
///   ├─ URL: every path segment and query name/value masked as a string value (UrlMasker); detector failure: 500
///   ├─ headers: drop hop-by-hop, caller credentials, configured; inject route credential; X-Forwarded-* (the
///   │     caller's chain kept only from a trusted proxy);
///   │     Accept-Encoding: identity
///   ├─ SocketsHttpHandler (pooled, HTTP/1.1+2) ── unreachable/reset: 502 · no headers in time: 504
///   └─ response by Content-Type (compressed bodies decoded first, limit on decoded bytes):
///         JSON         → read whole → JsonMasker.Mask(response rules, token restore) → Content-Length → caller
///                        broken or too large: 502, nothing of it passed on
///         event-stream → SseMasker event by event → flush after every masked piece
///                        broken, stalled or too large: cut off with an error event
///         pass-through → copied unchanged · anything else → 502
/// </code>
/// Nothing unscanned goes upstream or back to the caller: every path that cannot mask refuses.
/// </summary>
internal sealed partial class ProxyHandler
{
    private const int ReadChunkSize = 16 * 1024;

    private readonly GatewayRuntime _runtime;
    private readonly ILogger _logger;
    private readonly TimeoutSourcePool _timeouts = new();

    public ProxyHandler(GatewayRuntime runtime, ILogger logger)
    {
        _runtime = runtime;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;
        var requestId = ProxyHeaders.GetOrCreateRequestId(request.Headers[ProxyHeaders.RequestId]);
        response.Headers[ProxyHeaders.RequestId] = requestId;

        var route = _runtime.Match(request.Path.Value ?? "/");
        var routeMetrics = route?.Metrics ?? _runtime.Unmatched;
        var metrics = _runtime.Metrics;
        metrics.InFlight.Inc();
        var callerGone = false;
        try
        {
            if (_runtime.State.IsDraining)
            {
                await RefuseAsync(context, GatewayError.Draining);
            }
            else if (route is null)
            {
                await RefuseAsync(context, GatewayError.NoRoute);
            }
            else if (!route.AllowsMethod(request.Method))
            {
                await RefuseAsync(context, GatewayError.MethodNotAllowed);
            }
            else
            {
                await ProxyAsync(context, route, requestId);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel found the request malformed while the body was read (a truncated chunk, a body that stalled),
            // or the caller closed the connection before its body was complete: then nobody is left to answer, and
            // the request is counted as 499 below. Kestrel exposes no reason code, only its message.
            callerGone = context.RequestAborted.IsCancellationRequested
                || e.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);
            if (!response.HasStarted && !callerGone)
            {
                await RefuseAsync(context, new GatewayError(e.StatusCode, "invalid_request_error", "malformed_request", "The request could not be read."));
            }
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The caller went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            LogUnexpected(_logger, route?.Name ?? "unmatched", e.GetType().Name);
            if (response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                await RefuseAsync(context, new GatewayError(500, "server_error", "internal_error", "The gateway failed to handle this request."));
            }
        }
        finally
        {
            metrics.InFlight.Dec();
            var status = (context.RequestAborted.IsCancellationRequested || callerGone) && !response.HasStarted ? 499 : response.StatusCode;
            routeMetrics.Completed(request.Method, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task ProxyAsync(HttpContext context, RouteRuntime route, string requestId)
    {
        // The exchange keeps the policy it starts with, even if the route's policy is swapped before it ends.
        var policy = route.AcquirePolicy();
        var exchange = policy.Contexts.Rent();
        var timeout = _timeouts.Rent();
        var aborted = default(CancellationTokenRegistration);
        try
        {
            var body = await ReadRequestBodyAsync(context, route, exchange);
            if (body.Error is { } refused)
            {
                await RefuseAsync(context, refused);
                return;
            }

            using var bodyBuffer = body.Buffer;
            if (UrlMasker.Mask(exchange, context.Request.Path, context.Request.QueryString, out var pathAndQuery) != MaskStatus.Ok)
            {
                await RefuseAsync(context, GatewayError.MaskingFailed);
                return;
            }

            _runtime.Metrics.AddMasked(exchange.Policy, MaskDirection.Request, exchange.RequestStats);
            using var message = CreateUpstreamRequest(context, route, body, pathAndQuery, requestId, _runtime.TrustedProxies);

            // The caller going away cancels the upstream exchange too.
            aborted = context.RequestAborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
            timeout.CancelAfter(route.ResponseTimeout);

            HttpResponseMessage upstream;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                upstream = await route.Invoker.SendAsync(message, timeout.Token);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or HttpRequestException)
            {
                var timedOut = e is OperationCanceledException || e.InnerException is TimeoutException or OperationCanceledException;
                LogUpstreamFailed(_logger, route.Name, timedOut ? "timeout" : "unreachable", e is HttpRequestException h ? h.HttpRequestError.ToString() : e.GetType().Name);
                await RefuseAsync(context, timedOut ? GatewayError.UpstreamTimeout : GatewayError.UpstreamUnreachable);
                return;
            }
            finally
            {
                route.Metrics.UpstreamDuration.Observe(Stopwatch.GetElapsedTime(sent).TotalSeconds);
            }

            using (upstream)
            {
                try
                {
                    await ForwardResponseAsync(context, route, exchange, upstream, timeout);
                }
                finally
                {
                    _runtime.Metrics.AddMasked(exchange.Policy, MaskDirection.Response, exchange.ResponseStats);
                }
            }
        }
        finally
        {
            // Unregistered before the source is reused, so a late abort of this request cannot cancel another.
            aborted.Dispose();
            _timeouts.Return(timeout);
            policy.Contexts.Return(exchange);
            policy.Release();
        }
    }

    private static async ValueTask<RequestBody> ReadRequestBodyAsync(HttpContext context, RouteRuntime route, MaskContext exchange)
    {
        var request = context.Request;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return default;
        }

        var limit = route.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return new RequestBody(GatewayError.BodyTooLarge(limit));
        }

        var contentType = request.ContentType;
        var passThrough = false;
        if (ContentTypes.Classify(contentType) != BodyKind.Json)
        {
            passThrough = ContentTypes.Matches(contentType, route.PassThroughContentTypes);
            if (!passThrough)
            {
                return new RequestBody(GatewayError.UnsupportedMediaType);
            }
        }

        var coding = ContentCodings.Parse(request.Headers.ContentEncoding.ToString());
        if (!passThrough && coding == ContentCoding.Unsupported)
        {
            return new RequestBody(GatewayError.UnsupportedEncoding);
        }

        // The whole body stays in the pipe until it is complete: the limit is checked on every read, before any
        // parsing, and nothing is forwarded before the masker has seen the last byte.
        var reader = request.BodyReader;
        ReadResult result;
        while (true)
        {
            result = await reader.ReadAsync(context.RequestAborted);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.End);
                return new RequestBody(GatewayError.BodyTooLarge(limit));
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        var wire = result.Buffer;
        try
        {
            route.Metrics.RequestBytes.Inc(wire.Length);
            if (passThrough)
            {
                var copy = new PooledBufferWriter((int)wire.Length);
                foreach (var segment in wire)
                {
                    copy.Write(segment.Span);
                }

                return new RequestBody(copy, contentType, PassThrough: true);
            }

            return MaskRequestBody(exchange, wire, coding, limit, contentType);
        }
        finally
        {
            reader.AdvanceTo(wire.End);
        }
    }

    private static RequestBody MaskRequestBody(MaskContext exchange, ReadOnlySequence<byte> wire, ContentCoding coding, long limit, string? contentType)
    {
        PooledBufferWriter? decoded = null;
        try
        {
            var plain = wire;
            if (coding != ContentCoding.Identity)
            {
                decoded = new PooledBufferWriter((int)Math.Min(limit, wire.Length * 4));
                switch (ContentCodings.Decode(coding, wire, limit, decoded))
                {
                    case DecodeStatus.TooLarge:
                        return new RequestBody(GatewayError.BodyTooLarge(limit));
                    case DecodeStatus.Invalid:
                        return new RequestBody(GatewayError.InvalidEncoding);
                }

                plain = new ReadOnlySequence<byte>(decoded.WrittenMemory);
            }

            // Masked output is usually the input's size; placeholders can make it a little longer.
            var output = new PooledBufferWriter((int)Math.Min(int.MaxValue / 2, plain.Length + (plain.Length / 8) + 256));
            var error = JsonMasker.Mask(exchange, MaskDirection.Request, plain, output);
            if (!error.IsOk)
            {
                output.Dispose();
                return new RequestBody(ToRequestError(error));
            }

            return new RequestBody(output, contentType, PassThrough: false);
        }
        finally
        {
            decoded?.Dispose();
        }
    }

    private static GatewayError ToRequestError(MaskError error) => error.Status switch
    {
        MaskStatus.InvalidJson or MaskStatus.TruncatedDocument => GatewayError.InvalidJson(error.ByteOffset, error.Reason),
        MaskStatus.InvalidUtf8 => GatewayError.InvalidUtf8(error.ByteOffset),
        MaskStatus.DepthLimitExceeded => GatewayError.JsonTooDeep(error.ByteOffset),
        MaskStatus.TokenTooLarge => GatewayError.JsonTokenTooLarge(error.ByteOffset),
        _ => GatewayError.MaskingFailed,
    };

    private static HttpRequestMessage CreateUpstreamRequest(
        HttpContext context,
        RouteRuntime route,
        RequestBody body,
        string pathAndQuery,
        string requestId,
        ImmutableArray<IPNetwork> trustedProxies)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), route.BuildTarget(pathAndQuery))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };

        HttpContent? content = null;
        if (body.Buffer is not null)
        {
            content = new ReadOnlyMemoryContent(body.Buffer.WrittenMemory);
            message.Content = content;
        }

        ProxyHeaders.CopyRequestHeaders(request, message, content, route, bodyUnchanged: body.PassThrough);
        if (content is not null && body.ContentType is not null && !content.Headers.Contains("Content-Type"))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
        }

        var headers = message.Headers;
        headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        headers.TryAddWithoutValidation(ProxyHeaders.RequestId, requestId);
        ProxyHeaders.AddForwarded(headers, request, context.Connection.RemoteIpAddress, trustedProxies);

        if (route.Credential is { } credential)
        {
            headers.Remove(credential.Header);
            headers.TryAddWithoutValidation(credential.Header, credential.GetValue());
        }

        return message;
    }

    private async Task ForwardResponseAsync(HttpContext context, RouteRuntime route, MaskContext exchange, HttpResponseMessage upstream, CancellationTokenSource timeout)
    {
        var response = context.Response;
        var content = upstream.Content;
        var contentType = content.Headers.NonValidated.TryGetValues("Content-Type", out var typeValues) ? typeValues.ToString() : null;
        var encoding = content.Headers.NonValidated.TryGetValues("Content-Encoding", out var encodingValues) ? encodingValues.ToString() : null;
        var status = (int)upstream.StatusCode;
        var bodyless = HttpMethods.IsHead(context.Request.Method) || status is 204 or 304 || (status >= 100 && status < 200) || content.Headers.ContentLength == 0;

        var kind = ContentTypes.Classify(contentType);
        if (bodyless)
        {
            response.StatusCode = status;
            ProxyHeaders.CopyResponseHeaders(upstream, response, bodyUnchanged: true);
            return;
        }

        if (kind is not (BodyKind.Json or BodyKind.EventStream))
        {
            if (kind == BodyKind.Missing)
            {
                // No type and no declared length: acceptable only if the body turns out to be empty.
                await ForwardUntypedAsync(context, route, upstream, timeout);
                return;
            }

            if (!ContentTypes.Matches(contentType, route.PassThroughContentTypes))
            {
                await RefuseAsync(context, GatewayError.UpstreamUnsupportedContent);
                return;
            }

            response.StatusCode = status;
            ProxyHeaders.CopyResponseHeaders(upstream, response, bodyUnchanged: true);
            await CopyPassThroughAsync(context, route, content, timeout);
            return;
        }

        var coding = ContentCodings.Parse(encoding);
        if (coding == ContentCoding.Unsupported)
        {
            await RefuseAsync(context, GatewayError.UpstreamUnsupportedContent);
            return;
        }

        var stream = await content.ReadAsStreamAsync(timeout.Token);
        if (coding != ContentCoding.Identity)
        {
            stream = ContentCodings.CreateDecoder(coding, stream);
        }

        await using (stream)
        {
            if (kind == BodyKind.Json)
            {
                await ForwardJsonAsync(context, route, exchange, upstream, stream, timeout);
            }
            else
            {
                await ForwardEventStreamAsync(context, route, exchange, upstream, stream, timeout);
            }
        }
    }

    private async Task ForwardJsonAsync(HttpContext context, RouteRuntime route, MaskContext exchange, HttpResponseMessage upstream, Stream stream, CancellationTokenSource timeout)
    {
        using var raw = new PooledBufferWriter((int)Math.Min(route.MaxResponseBodyBytes, upstream.Content.Headers.ContentLength ?? ReadChunkSize));
        var failure = await ReadAllAsync(context, route, stream, raw, timeout);
        if (failure is { } error)
        {
            await RefuseAsync(context, error);
            return;
        }

        using var output = new PooledBufferWriter(raw.WrittenCount + (raw.WrittenCount / 8) + 256);
        var masked = JsonMasker.Mask(exchange, MaskDirection.Response, new ReadOnlySequence<byte>(raw.WrittenMemory), output);
        if (!masked.IsOk)
        {
            LogResponseRefused(_logger, route.Name, masked.Status.ToString());
            await RefuseAsync(context, GatewayError.UpstreamInvalidResponse);
            return;
        }

        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        ProxyHeaders.CopyResponseHeaders(upstream, response, bodyUnchanged: false);
        response.ContentLength = output.WrittenCount;
        await response.BodyWriter.WriteAsync(output.WrittenMemory, context.RequestAborted);
        route.Metrics.ResponseBytes.Inc(output.WrittenCount);
    }

    private async Task ForwardUntypedAsync(HttpContext context, RouteRuntime route, HttpResponseMessage upstream, CancellationTokenSource timeout)
    {
        using var raw = new PooledBufferWriter(ReadChunkSize);
        await using (var stream = await upstream.Content.ReadAsStreamAsync(timeout.Token))
        {
            if (await ReadAllAsync(context, route, stream, raw, timeout) is { } error)
            {
                await RefuseAsync(context, error);
                return;
            }
        }

        if (raw.WrittenCount != 0)
        {
            await RefuseAsync(context, GatewayError.UpstreamUnsupportedContent);
            return;
        }

        context.Response.StatusCode = (int)upstream.StatusCode;
        ProxyHeaders.CopyResponseHeaders(upstream, context.Response, bodyUnchanged: false);
        context.Response.ContentLength = 0;
    }

    /// <summary>Reads the (decoded) upstream body whole, under the route's limit and idle timeout; null when it all arrived.</summary>
    private static async ValueTask<GatewayError?> ReadAllAsync(HttpContext context, RouteRuntime route, Stream stream, PooledBufferWriter output, CancellationTokenSource timeout)
    {
        try
        {
            while (true)
            {
                timeout.CancelAfter(route.IdleTimeout);
                var read = await stream.ReadAsync(output.GetMemory(ReadChunkSize), timeout.Token);
                if (read == 0)
                {
                    return null;
                }

                output.Advance(read);
                if (output.WrittenCount > route.MaxResponseBodyBytes)
                {
                    return GatewayError.UpstreamResponseTooLarge;
                }
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return GatewayError.UpstreamTimeout;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or HttpRequestException)
        {
            // A reset connection (IOException / HttpIOException) or a corrupt compressed body (InvalidDataException).
            return e is InvalidDataException ? GatewayError.UpstreamInvalidResponse : GatewayError.UpstreamUnreachable;
        }
    }

    private async Task ForwardEventStreamAsync(HttpContext context, RouteRuntime route, MaskContext exchange, HttpResponseMessage upstream, Stream stream, CancellationTokenSource timeout)
    {
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        ProxyHeaders.CopyResponseHeaders(upstream, response, bodyUnchanged: false);

        // Headers go out now, so the caller sees the stream open while the model is still thinking.
        await response.StartAsync(context.RequestAborted);

        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadChunkSize, minimumReadSize: 4096, leaveOpen: true));
        using var masker = new SseMasker(exchange, MaskDirection.Response);
        using var masked = new PooledBufferWriter(ReadChunkSize);
        long consumedSoFar = 0;
        GatewayError? cutOff = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    timeout.CancelAfter(route.IdleTimeout);
                    result = await reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    cutOff = GatewayError.UpstreamTimeout;
                    break;
                }
                catch (Exception e) when (e is IOException or InvalidDataException or HttpRequestException)
                {
                    cutOff = e is InvalidDataException ? GatewayError.UpstreamInvalidResponse : GatewayError.UpstreamUnreachable;
                    break;
                }

                var buffer = result.Buffer;
                if (consumedSoFar + buffer.Length > route.MaxResponseBodyBytes)
                {
                    cutOff = GatewayError.UpstreamResponseTooLarge;
                    break;
                }

                masked.Clear();
                var status = masker.Feed(buffer, result.IsCompleted, masked, out var consumed);
                consumedSoFar += buffer.Slice(0, consumed).Length;
                reader.AdvanceTo(consumed, buffer.End);

                // Even with an error, what the masker wrote is whole events, masked: they go out before the cut.
                if (masked.WrittenCount > 0)
                {
                    var flushed = await response.BodyWriter.WriteAsync(masked.WrittenMemory, context.RequestAborted);
                    route.Metrics.ResponseBytes.Inc(masked.WrittenCount);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return;
                    }
                }

                if (status.IsError || (result.IsCompleted && !status.IsOk))
                {
                    LogResponseRefused(_logger, route.Name, status.Status.ToString());
                    cutOff = GatewayError.UpstreamInvalidResponse;
                    break;
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        route.Metrics.Refused(cutOff.Value.Code);
        masked.Clear();
        cutOff.Value.WriteEvent(masked);
        await response.BodyWriter.WriteAsync(masked.WrittenMemory, context.RequestAborted);
    }

    private static async Task CopyPassThroughAsync(HttpContext context, RouteRuntime route, HttpContent content, CancellationTokenSource timeout)
    {
        var stream = await content.ReadAsStreamAsync(timeout.Token);
        await using (stream)
        {
            var writer = context.Response.BodyWriter;
            long total = 0;
            while (true)
            {
                timeout.CancelAfter(route.IdleTimeout);
                int read;
                try
                {
                    read = await stream.ReadAsync(writer.GetMemory(ReadChunkSize), timeout.Token);
                }
                catch (Exception e) when (!context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
                {
                    // Headers (with the upstream's length) are out: the only honest signal left is a broken connection.
                    context.Abort();
                    return;
                }

                if (read == 0)
                {
                    return;
                }

                total += read;
                if (total > route.MaxResponseBodyBytes)
                {
                    context.Abort();
                    return;
                }

                writer.Advance(read);
                route.Metrics.ResponseBytes.Inc(read);
                var flushed = await writer.FlushAsync(context.RequestAborted);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    private async Task RefuseAsync(HttpContext context, GatewayError error)
    {
        _runtime.Metrics.Refused(error.Code);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        await error.WriteAsync(context);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Upstream request on route {Route} failed: {Kind} ({Error})")]
    private static partial void LogUpstreamFailed(ILogger logger, string route, string kind, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Upstream response on route {Route} could not be masked: {Status}")]
    private static partial void LogResponseRefused(ILogger logger, string route, string status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Unexpected failure on route {Route}: {ExceptionType}")]
    private static partial void LogUnexpected(ILogger logger, string route, string exceptionType);

    /// <summary>
    /// Cancellation sources for upstream exchanges (response and idle timeouts, caller abort), reused: a source whose
    /// exchange ended without cancellation is reset (its timer stopped, any registration left on it dropped) instead of
    /// allocating a source and a timer per request. Bounded, so a burst does not pin them forever.
    /// </summary>
    private sealed class TimeoutSourcePool
    {
        private static readonly int s_capacity = Environment.ProcessorCount * 32;

        private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
        private int _count;

        public CancellationTokenSource Rent()
        {
            while (_idle.TryDequeue(out var source))
            {
                Interlocked.Decrement(ref _count);

                // A timer that fired just as its exchange ended can cancel a source after it was reset.
                if (!source.IsCancellationRequested)
                {
                    return source;
                }

                source.Dispose();
            }

            return new CancellationTokenSource();
        }

        public void Return(CancellationTokenSource source)
        {
            if (source.TryReset())
            {
                if (Interlocked.Increment(ref _count) <= s_capacity)
                {
                    _idle.Enqueue(source);
                    return;
                }

                Interlocked.Decrement(ref _count);
            }

            source.Dispose();
        }
    }

    /// <summary>The request body as it will be forwarded, or the refusal that replaces the exchange.</summary>
    private readonly record struct RequestBody(GatewayError? Error, PooledBufferWriter? Buffer, string? ContentType, bool PassThrough)
    {
        public RequestBody(GatewayError error)
            : this(error, null, null, false)
        {
        }

        public RequestBody(PooledBufferWriter buffer, string? contentType, bool PassThrough)
            : this(null, buffer, contentType, PassThrough)
        {
        }
    }
}
