using System.Buffers;

namespace FastMask.Masking.Detection;

/// <summary>
/// A growable list of matches backed by <see cref="ArrayPool{T}"/>. One instance is reused across scans
/// (per thread or per masking session), so steady-state scanning allocates nothing.
/// </summary>
public sealed class MatchBuffer<T> : IDisposable where T : struct
{
    private T[] _items;
    private int _count;

    public MatchBuffer(int initialCapacity = 16)
    {
        _items = ArrayPool<T>.Shared.Rent(Math.Max(initialCapacity, 4));
    }

    public int Count => _count;

    public ReadOnlySpan<T> Items => _items.AsSpan(0, _count);

    public Span<T> WritableItems => _items.AsSpan(0, _count);

    public ref T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count);
            return ref _items[index];
        }
    }

    public void Add(in T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[_count++] = item;
    }

    public void Clear() => _count = 0;

    /// <summary>Drops the items from <paramref name="count"/> on.</summary>
    internal void Truncate(int count) => _count = Math.Clamp(count, 0, _count);

    private void Grow()
    {
        var bigger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
        Array.Copy(_items, bigger, _count);
        ArrayPool<T>.Shared.Return(_items);
        _items = bigger;
    }

    public void Dispose()
    {
        var items = _items;
        _items = [];
        _count = 0;
        if (items.Length > 0)
        {
            ArrayPool<T>.Shared.Return(items);
        }
    }
}
