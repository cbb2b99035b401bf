using System.Text;
using FastMask.Gateway.Proxy;
using FastMask.Gateway.Tests.TestEnvironment;
using FastMask.Masking.Detection;
using FastMask.Masking.Policy;

namespace FastMask.Gateway.Tests.Proxy;

public sealed class PolicyHandleTests
{
    internal static CompiledPolicy Compile(string json = TestPolicies.Redact, DetectorEngineKind engine = DetectorEngineKind.Regex)
    {
        var result = PolicyLoader.Load(Encoding.UTF8.GetBytes(json), new PolicyCompileOptions { Engine = engine });
        Assert.True(result.Success, string.Join("; ", result.Errors.IsDefault ? [] : result.Errors));
        return result.Policy;
    }

    [Fact]
    public void Retire_WhileLeased_DisposesOnlyAfterTheLastLeaseEnds()
    {
        var handle = new PolicyHandle(Compile());
        Assert.True(handle.TryAcquire());
        Assert.True(handle.TryAcquire());
        Assert.Equal(2, handle.ActiveLeases);

        handle.Retire();
        Assert.True(handle.IsRetired);
        Assert.False(handle.IsDisposed);

        handle.Release();
        Assert.False(handle.IsDisposed);
        Assert.Equal(1, handle.ActiveLeases);

        handle.Release();
        Assert.True(handle.IsDisposed);
        Assert.Equal(0, handle.ActiveLeases);
    }

    [Fact]
    public void Retire_WithoutLeases_DisposesAtOnce()
    {
        var handle = new PolicyHandle(Compile());

        handle.Retire();

        Assert.True(handle.IsDisposed);
    }

    [Fact]
    public void TryAcquire_AfterRetire_IsRefusedAndDoesNotKeepThePolicyAlive()
    {
        var handle = new PolicyHandle(Compile());
        Assert.True(handle.TryAcquire());
        handle.Retire();

        Assert.False(handle.TryAcquire());
        Assert.Equal(1, handle.ActiveLeases);

        handle.Release();
        Assert.True(handle.IsDisposed);
    }

    [Fact]
    public void Release_MoreThanAcquired_Throws()
    {
        var handle = new PolicyHandle(Compile());
        Assert.True(handle.TryAcquire());
        handle.Release();
        handle.Retire();

        Assert.Throws<InvalidOperationException>(handle.Release);
    }

    [Fact]
    public void Pool_Returned_IsReusedUntilRetired()
    {
        var handle = new PolicyHandle(Compile());
        Assert.True(handle.TryAcquire()); // an exchange still running on this policy after it is retired
        var pool = handle.Contexts;
        var first = pool.Rent();
        pool.Return(first);
        Assert.Equal(1, pool.IdleCount);
        Assert.Same(first, pool.Rent());

        var second = pool.Rent();
        pool.Return(second);
        handle.Retire();

        // Retired: the idle context is dropped, a context returned afterwards is not pooled, and renting builds new ones.
        Assert.Equal(0, pool.IdleCount);
        pool.Return(first);
        Assert.Equal(0, pool.IdleCount);
        var fresh = pool.Rent();
        Assert.NotSame(first, fresh);
        Assert.NotSame(second, fresh);
        pool.Return(fresh);
        Assert.Equal(0, pool.IdleCount);

        handle.Release();
        Assert.True(handle.IsDisposed);
    }
}
