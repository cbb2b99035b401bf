using System.Collections.Immutable;
using System.Text;
using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

/// <summary>An entity found in a test text: the entity name and the matched text.</summary>
public readonly record struct Found(string Entity, string Value);

/// <summary>Builds detectors over the built-in entities the way a policy that switches them all on would.</summary>
internal static class BuiltInDetector
{
    private static readonly Lazy<EntityDetector> s_regex = new(() => Create(DetectorEngineKind.Regex));

    /// <summary>Entity names indexed by <see cref="EntityMatch.Entity"/>.</summary>
    public static ImmutableArray<string> EntityNames { get; } = [.. BuiltInEntities.All.Select(e => e.Name)];

    /// <summary>Every built-in pattern, bound to its entity's index in <see cref="BuiltInEntities.All"/>.</summary>
    public static ImmutableArray<DetectorDefinition> Definitions { get; } = BuildDefinitions();

    /// <summary>The .NET-engine detector over every built-in entity, shared by the tests.</summary>
    public static EntityDetector Regex => s_regex.Value;

    public static EntityDetector Create(DetectorEngineKind engine) => EntityDetector.Create(Definitions, engine);

    public static List<Found> Detect(string text) => Detect(Regex, text);

    public static List<Found> Detect(EntityDetector detector, string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        using var results = new MatchBuffer<EntityMatch>();
        detector.Detect(utf8, results);
        var found = new List<Found>(results.Count);
        foreach (var m in results.Items)
        {
            found.Add(new Found(EntityNames[m.Entity], Encoding.UTF8.GetString(utf8, m.Start, m.Length)));
        }

        return found;
    }

    private static ImmutableArray<DetectorDefinition> BuildDefinitions()
    {
        var builder = ImmutableArray.CreateBuilder<DetectorDefinition>();
        for (var i = 0; i < BuiltInEntities.All.Length; i++)
        {
            foreach (var pattern in BuiltInEntities.All[i].Patterns)
            {
                builder.Add(new DetectorDefinition(i, pattern));
            }
        }

        return builder.ToImmutable();
    }
}
