namespace FastMask.Masking;

/// <summary>What one document's masking found: counts per entity (index into the policy's entity table).</summary>
public sealed class MaskStats
{
    private int[] _counts;

    public MaskStats(int entityCount)
    {
        _counts = new int[entityCount];
    }

    /// <summary>All entities found, summed.</summary>
    public int Total { get; private set; }

    public ReadOnlySpan<int> Counts => _counts;

    public int CountOf(int entity) => (uint)entity < (uint)_counts.Length ? _counts[entity] : 0;

    public void Add(int entity)
    {
        if ((uint)entity >= (uint)_counts.Length)
        {
            Array.Resize(ref _counts, entity + 1);
        }

        _counts[entity]++;
        Total++;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Total = 0;
    }
}
