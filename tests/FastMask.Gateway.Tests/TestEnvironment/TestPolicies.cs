namespace FastMask.Gateway.Tests.TestEnvironment;

/// <summary>Small policies in the policy file format, and the sensitive values the tests plant.</summary>
internal static class TestPolicies
{
    public const string Email = "jane.doe@example.com";
    public const string Ssn = "123-45-6789";
    public const string Card = "4111 1111 1111 1111";

    /// <summary>Every planted value in the spellings a leak could take.</summary>
    public static readonly string[] Planted = [Email, Ssn, Card, "4111111111111111", "jane.doe\\u0040example.com", "jane.doe"];

    /// <summary>Built-in detectors on, everything redacted as <c>[ENTITY]</c> in both directions.</summary>
    public const string Redact = """
        {
          "apiVersion": "fastmask/v1",
          "version": "test-1",
          "levels": ["public", "restricted"],
          "detectors": { "builtIn": "all", "defaultLevel": "restricted", "engine": "regex" },
          "actions": {
            "request": { "public": "keep", "restricted": "redact" },
            "response": { "public": "keep", "restricted": "redact" }
          }
        }
        """;

    /// <summary>Requests tokenized (<c>[EMAIL_ADDRESS_1]</c>); the caller gets its own values back in the response.</summary>
    public const string TokenizeAndRestore = """
        {
          "apiVersion": "fastmask/v1",
          "version": "test-restore-1",
          "levels": ["public", "restricted"],
          "detectors": { "builtIn": "all", "defaultLevel": "restricted", "engine": "regex" },
          "actions": {
            "request": { "public": "keep", "restricted": "tokenize" },
            "response": { "public": "keep", "restricted": "keep" }
          },
          "restoreTokens": true
        }
        """;

    public static void AssertNoPlanted(string text)
    {
        foreach (var value in Planted)
        {
            Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
