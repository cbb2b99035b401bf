using FastMask.Masking.Policy;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// One compiled policy as the routes that use it serve it: the policy, its pool of <see cref="Masking.Json.MaskContext"/>s,
/// and a count of leases. A request takes a lease for its whole exchange (<see cref="RouteRuntime.AcquirePolicy"/>), so a
/// policy swapped out while requests run is disposed (with its Hyperscan databases and scratch) only when the last of
/// them has finished, never under a running scan.
/// </summary>
/// <remarks>
/// The count starts at 1, the reference of whoever installed the handle on its routes; <see cref="Retire"/> drops it once
/// no route hands the handle out any more. From then on no new lease is granted, so the count only falls, and the
/// handle disposes itself when it reaches 0.
/// </remarks>
internal sealed class PolicyHandle
{
    private int _count = 1;
    private int _retired;
    private int _disposed;

    public PolicyHandle(CompiledPolicy policy)
    {
        Policy = policy;
        Contexts = new MaskContextPool(policy);
    }

    public CompiledPolicy Policy { get; }

    /// <summary>Per-exchange masking state of this policy, reused across exchanges until the handle is retired.</summary>
    public MaskContextPool Contexts { get; }

    /// <summary>Whether <see cref="Retire"/> was called: no new lease is granted.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    /// <summary>Whether the policy and its pooled contexts have been disposed (retired and every lease ended).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Leases held by requests now (the installer's own reference not counted).</summary>
    public int ActiveLeases
    {
        get
        {
            var count = Volatile.Read(ref _count);
            return IsRetired ? count : Math.Max(0, count - 1);
        }
    }

    /// <summary>Takes a lease unless the handle is retired; every successful call is paired with one <see cref="Release"/>.</summary>
    public bool TryAcquire()
    {
        var count = Volatile.Read(ref _count);
        while (count > 0)
        {
            var seen = Interlocked.CompareExchange(ref _count, count + 1, count);
            if (seen == count)
            {
                // Retire sets the flag before it drops its reference; a lease taken after that is given back, so that
                // the caller reads the route's new handle instead.
                if (Volatile.Read(ref _retired) != 0)
                {
                    Release();
                    return false;
                }

                return true;
            }

            count = seen;
        }

        return false;
    }

    /// <summary>Ends a lease; the last one of a retired handle disposes it.</summary>
    public void Release()
    {
        var count = Interlocked.Decrement(ref _count);
        if (count == 0)
        {
            DisposeCore();
        }
        else if (count < 0)
        {
            throw new InvalidOperationException("A policy lease was released twice.");
        }
    }

    /// <summary>
    /// Called once no route hands this handle out any more: pooled contexts are dropped (and contexts returned later are
    /// disposed, not pooled), and the policy is disposed when the last running exchange has released its lease.
    /// </summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) != 0)
        {
            return;
        }

        Contexts.Retire();
        Release();
    }

    private void DisposeCore()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Contexts.Dispose();
        Policy.Dispose();
    }
}
