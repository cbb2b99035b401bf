using FastMask.Gateway.Serve;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace FastMask.Gateway.Operations;

/// <summary>
/// The admin listener: <c>/healthz</c> (the process answers), <c>/readyz</c> (config and policies loaded and not
/// draining: a load balancer stops sending traffic as soon as SIGTERM arrives) and <c>/metrics</c> (Prometheus text
/// format, written by prometheus-net's exporter so no ASP.NET Core integration package is needed).
/// </summary>
internal sealed class AdminEndpoints(GatewayRuntime runtime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (request.Path.Value)
        {
            case "/healthz":
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("ok\n", context.RequestAborted);
                return;

            case "/readyz":
                var ready = runtime.State.IsReady;
                response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync(ready ? "ready\n" : runtime.State.IsDraining ? "draining\n" : "starting\n", context.RequestAborted);
                return;

            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                response.Headers.CacheControl = "no-store";
                await runtime.Metrics.Registry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted);
                return;

            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }
}
