using FastMask.Masking.Detection;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Json;

/// <summary>
/// The state of one exchange (a request and its response): the policy it runs under, the token vault the request
/// fills and the response reads, and what was found in each direction. Not thread-safe; reusable after
/// <see cref="Reset"/>, which keeps its buffers so that steady-state masking allocates nothing.
/// </summary>
public sealed class MaskContext : IDisposable
{
    private TokenVault? _vault;

    public MaskContext(CompiledPolicy policy)
    {
        Policy = policy;
        RequestStats = new MaskStats(policy.Entities.Length);
        ResponseStats = new MaskStats(policy.Entities.Length);
    }

    public CompiledPolicy Policy { get; }

    /// <summary>Tokens created while masking (created on first use).</summary>
    public TokenVault Vault => _vault ??= new TokenVault();

    internal bool HasTokens => _vault is { Count: > 0 };

    public MaskStats RequestStats { get; }

    public MaskStats ResponseStats { get; }

    /// <summary>Bit i set: level i is shown unmasked in responses (a group exemption of the caller).</summary>
    public ulong ExemptResponseLevels { get; set; }

    private JsonMaskSession? _requestSession;
    private JsonMaskSession? _responseSession;

    internal MatchBuffer<EntityMatch> Matches { get; } = new(16);

    /// <summary>A session for whole-document masking, reused across documents of this context.</summary>
    internal JsonMaskSession RentSession(MaskDirection direction)
    {
        ref var slot = ref direction == MaskDirection.Request ? ref _requestSession : ref _responseSession;
        slot ??= new JsonMaskSession(this, direction);
        slot.Reset();
        return slot;
    }

    public MaskStats StatsFor(MaskDirection direction) => direction == MaskDirection.Request ? RequestStats : ResponseStats;

    /// <summary>Forgets the vault's tokens and the counts, for the next exchange.</summary>
    public void Reset()
    {
        _vault?.Clear();
        RequestStats.Reset();
        ResponseStats.Reset();
        ExemptResponseLevels = 0;
    }

    public void Dispose()
    {
        Matches.Dispose();
        _requestSession?.Dispose();
        _responseSession?.Dispose();
    }
}
