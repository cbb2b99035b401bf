using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;

namespace FastMask.Masking.Tests;

/// <summary>Builds compiled policies in code, independent of the policy file format, for engine tests.</summary>
internal static class TestPolicies
{
    public const int Public = 0;
    public const int Internal = 1;
    public const int Confidential = 2;
    public const int Restricted = 3;

    public const int Email = 0;
    public const int Card = 1;

    public const string EmailPattern = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+";
    public const string CardPattern = "[0-9]{4}([ -]?[0-9]{4}){3}";

    public static readonly byte[] HashKey = Encoding.UTF8.GetBytes("test-hash-key-0123456789abcdef");

    /// <summary>
    /// Levels public &lt; internal &lt; confidential &lt; restricted; EMAIL_ADDRESS (confidential) and CREDIT_CARD
    /// (restricted) detected in text; <paramref name="fields"/> as (path, label, level) field rules.
    /// </summary>
    public static CompiledPolicy Create(
        OperatorSpec? confidential = null,
        OperatorSpec? restricted = null,
        OperatorSpec? responseConfidential = null,
        OperatorSpec? responseRestricted = null,
        (string Path, string Label, int Level)[]? fields = null,
        (string Name, string Label, int Level)[]? fieldNames = null,
        bool restoreTokens = false,
        MaskerLimits? limits = null,
        DetectorEngineKind engine = DetectorEngineKind.Regex)
    {
        var entities = ImmutableArray.CreateBuilder<EntityInfo>();
        entities.Add(new EntityInfo("EMAIL_ADDRESS", Confidential));
        entities.Add(new EntityInfo("CREDIT_CARD", Restricted));
        var rules = ImmutableArray.CreateBuilder<FieldRule>();
        foreach (var (path, label, level) in fields ?? [])
        {
            Assert.True(PathSelector.TryParse(path, out var selector, out var error), error);
            rules.Add(new FieldRule(selector!, IndexOf(entities, label, level)));
        }

        var nameRules = ImmutableArray.CreateBuilder<FieldNameRule>();
        foreach (var (name, label, level) in fieldNames ?? [])
        {
            nameRules.Add(new FieldNameRule(Encoding.ASCII.GetBytes(name), IndexOf(entities, label, level)));
        }

        var detectors = ImmutableArray.Create(
            new DetectorDefinition(Email, new PatternSpec(EmailPattern) { LeftBoundary = BoundaryClass.None, RightBoundary = BoundaryClass.AlphaNumeric }),
            new DetectorDefinition(Card, new PatternSpec(CardPattern) { LeftBoundary = BoundaryClass.AlphaNumeric, RightBoundary = BoundaryClass.AlphaNumeric }));
        var request = ImmutableArray.Create(OperatorSpec.Keep, OperatorSpec.Keep, confidential ?? OperatorSpec.Redact, restricted ?? OperatorSpec.Redact);
        var response = ImmutableArray.Create(OperatorSpec.Keep, OperatorSpec.Keep, responseConfidential ?? OperatorSpec.Redact, responseRestricted ?? OperatorSpec.Redact);
        return new CompiledPolicy(
            "fastmask/v1",
            "test-1",
            ["public", "internal", "confidential", "restricted"],
            entities.ToImmutable(),
            rules.ToImmutable(),
            nameRules.ToImmutable(),
            request,
            response,
            EntityDetector.Create(detectors, engine),
            HashKey,
            restoreTokens,
            [],
            new RiskSettings([0, 1, 5, 10], [], RiskSettings.Disabled),
            limits ?? MaskerLimits.Default);
    }

    private static int IndexOf(ImmutableArray<EntityInfo>.Builder entities, string label, int level)
    {
        for (var i = 0; i < entities.Count; i++)
        {
            if (entities[i].Name == label)
            {
                return i;
            }
        }

        entities.Add(new EntityInfo(label, level));
        return entities.Count - 1;
    }
}
