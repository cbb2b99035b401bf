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

    /// <summary>
    /// The risk score of what was found under <paramref name="policy"/>: for each occurrence, the weight of
    /// its level plus the weight of its entity.
    /// </summary>
    public int RiskScore(Policy.CompiledPolicy policy)
    {
        var risk = policy.Risk;
        long score = 0;
        for (var e = 0; e < _counts.Length && e < policy.Entities.Length; e++)
        {
            var n = _counts[e];
            if (n == 0)
            {
                continue;
            }

            var level = policy.Entities[e].Level;
            var weight = (level < risk.LevelWeights.Length ? risk.LevelWeights[level] : 0)
                + (e < risk.EntityWeights.Length ? risk.EntityWeights[e] : 0);
            score += (long)n * weight;
        }

        return (int)Math.Min(score, int.MaxValue);
    }
}
