using System.Text;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Operators;

/// <summary>One entity's operator in one direction, with its bytes prepared (placeholder text, mask character).</summary>
internal sealed class EntityAction
{
    public EntityAction(EntityInfo entity, OperatorSpec spec)
    {
        Kind = spec.Kind;
        Level = entity.Level;
        EntityName = entity.Utf8Name;
        Placeholder = Encoding.UTF8.GetBytes(spec.Placeholder.Replace("{entity}", entity.Name, StringComparison.Ordinal));
        KeepLast = spec.KeepLast;
        MaskChar = Encoding.UTF8.GetBytes(spec.MaskChar.ToString());
        HashLength = Math.Clamp(spec.HashLength, 1, 64);
    }

    public OperatorKind Kind { get; }

    public int Level { get; }

    public byte[] EntityName { get; }

    public byte[] Placeholder { get; }

    public int KeepLast { get; }

    public byte[] MaskChar { get; }

    public int HashLength { get; }
}

/// <summary>Every entity's action in both directions, prepared once per compiled policy.</summary>
internal sealed class MaskPlan
{
    public MaskPlan(CompiledPolicy policy)
    {
        Request = Build(policy, policy.RequestActions);
        Response = Build(policy, policy.ResponseActions);
        RuleSteps = new PathStep[policy.FieldRules.Length][];
        for (var r = 0; r < RuleSteps.Length; r++)
        {
            RuleSteps[r] = policy.FieldRules[r].Path.Steps;
        }
    }

    public EntityAction[] Request { get; }

    public EntityAction[] Response { get; }

    public PathStep[][] RuleSteps { get; }

    public EntityAction[] For(MaskDirection direction) => direction == MaskDirection.Request ? Request : Response;

    private static EntityAction[] Build(CompiledPolicy policy, System.Collections.Immutable.ImmutableArray<OperatorSpec> byLevel)
    {
        var actions = new EntityAction[policy.Entities.Length];
        for (var e = 0; e < actions.Length; e++)
        {
            var entity = policy.Entities[e];
            actions[e] = new EntityAction(entity, byLevel[entity.Level]);
        }

        return actions;
    }
}
