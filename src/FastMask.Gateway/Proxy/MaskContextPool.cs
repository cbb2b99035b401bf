using System.Collections.Concurrent;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// Reuses <see cref="MaskContext"/>s of one policy across exchanges: a context keeps its sessions, vault and match
/// buffers after <see cref="MaskContext.Reset"/>, so a warm gateway masks without allocating them per request.
/// Bounded, so a burst does not pin memory forever.
/// </summary>
internal sealed class MaskContextPool(CompiledPolicy policy) : IDisposable
{
    /// <summary>Contexts kept idle: enough for every core to have a few exchanges in flight.</summary>
    private static readonly int s_capacity = Environment.ProcessorCount * 8;

    private readonly ConcurrentQueue<MaskContext> _idle = new();
    private int _count;

    public MaskContext Rent()
    {
        if (_idle.TryDequeue(out var context))
        {
            Interlocked.Decrement(ref _count);
            return context;
        }

        return new MaskContext(policy);
    }

    /// <summary>Returns a context whose exchange is over; its tokens and counts are forgotten first.</summary>
    public void Return(MaskContext context)
    {
        context.Reset();
        if (Interlocked.Increment(ref _count) <= s_capacity)
        {
            _idle.Enqueue(context);
            return;
        }

        Interlocked.Decrement(ref _count);
        context.Dispose();
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out var context))
        {
            context.Dispose();
        }
    }
}
