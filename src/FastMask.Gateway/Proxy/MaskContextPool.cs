using System.Collections.Concurrent;
using FastMask.Masking.Json;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// Reuses <see cref="MaskContext"/>s of one policy across exchanges: a context keeps its sessions, vault and match
/// buffers after <see cref="MaskContext.Reset"/>, so a warm gateway masks without allocating them per request.
/// Bounded, so a burst does not pin memory forever. Once its policy has been swapped out (<see cref="Retire"/>), it
/// keeps nothing: contexts bound to an old policy are never handed out again.
/// </summary>
internal sealed class MaskContextPool(CompiledPolicy policy) : IDisposable
{
    /// <summary>Contexts kept idle: enough for every core to have a few exchanges in flight.</summary>
    private static readonly int s_capacity = Environment.ProcessorCount * 8;

    private readonly ConcurrentQueue<MaskContext> _idle = new();
    private int _count;
    private int _retired;

    /// <summary>Contexts idle in the pool now.</summary>
    public int IdleCount => Volatile.Read(ref _count);

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
        if (Volatile.Read(ref _retired) != 0)
        {
            context.Dispose();
            return;
        }

        context.Reset();
        if (Interlocked.Increment(ref _count) <= s_capacity)
        {
            _idle.Enqueue(context);
            return;
        }

        Interlocked.Decrement(ref _count);
        context.Dispose();
    }

    /// <summary>Stops pooling: idle contexts are disposed now, contexts returned later are disposed on return.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, 1);

        // A context returned while this runs may still be enqueued; the owner's Dispose (after the last exchange) gets it.
        while (_idle.TryDequeue(out var context))
        {
            Interlocked.Decrement(ref _count);
            context.Dispose();
        }
    }

    public void Dispose() => Retire();
}
