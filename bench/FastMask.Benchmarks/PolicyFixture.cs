using FastMask.Masking.Detection;
using FastMask.Masking.Policy;

namespace FastMask.Benchmarks;

/// <summary>The shipped default policy (embedded at build time), compiled for one engine.</summary>
public static class PolicyFixture
{
    public static CompiledPolicy Default(DetectorEngineKind engine)
    {
        using var stream = typeof(PolicyFixture).Assembly.GetManifestResourceStream("default.json")
            ?? throw new InvalidOperationException("policies/default.json is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var result = PolicyLoader.Load(copy.ToArray(), new PolicyCompileOptions { Engine = engine });
        if (result.Policy is null)
        {
            throw new InvalidOperationException("default policy does not compile: " + string.Join("; ", result.Errors));
        }

        if (result.Policy.Detector.Engine != engine)
        {
            throw new InvalidOperationException($"asked for {engine}, got {result.Policy.Detector.Engine}");
        }

        return result.Policy;
    }
}
