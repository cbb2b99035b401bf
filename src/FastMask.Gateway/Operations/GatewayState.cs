namespace FastMask.Gateway.Operations;

/// <summary>Whether the gateway takes new requests. Read on every request, written once on shutdown.</summary>
internal sealed class GatewayState
{
    private volatile bool _ready;
    private volatile bool _draining;

    /// <summary>True once listeners are bound with config and policies loaded, until draining starts.</summary>
    public bool IsReady => _ready && !_draining;

    /// <summary>True from SIGTERM (or <c>StopAsync</c>) on: new requests get 503 while in-flight ones finish.</summary>
    public bool IsDraining => _draining;

    public void MarkReady() => _ready = true;

    public void BeginDrain() => _draining = true;
}
