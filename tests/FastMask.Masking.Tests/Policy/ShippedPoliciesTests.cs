using FastMask.Masking.Detection;
using FastMask.Masking.Operators;
using FastMask.Masking.Policy;
using static FastMask.Masking.Tests.Policy.PolicyTestSupport;

namespace FastMask.Masking.Tests.Policy;

public class ShippedPoliciesTests
{
    private static string PolicyFile(string relative) => Path.Combine(RepositoryRoot(), "policies", relative);

    [Fact]
    public void DefaultPolicy_Compiles_AndRedactsEveryBuiltInBothWays()
    {
        var result = PolicyLoader.LoadFile(PolicyFile("default.json"), Options());
        Assert.True(result.Success, string.Join("\n", result.Errors));
        using var policy = result.Policy;

        Assert.Equal(["public", "internal", "confidential", "restricted"], policy.Levels.ToArray());
        Assert.Equal(BuiltInEntities.All.Select(e => e.Name), policy.Entities.Select(e => e.Name));
        for (var entity = 0; entity < policy.Entities.Length; entity++)
        {
            Assert.Equal(3, policy.Entities[entity].Level);
            foreach (var direction in new[] { MaskDirection.Request, MaskDirection.Response })
            {
                var action = policy.ActionFor(direction, entity);
                Assert.Equal(OperatorKind.Redact, action.Kind);
                Assert.Equal("[{entity}]", action.Placeholder);
            }
        }

        Assert.Empty(policy.FieldRules);
        Assert.Null(policy.HashKey);
        Assert.Equal(RiskSettings.Disabled, policy.Risk.ApprovalThreshold);
    }

    [Fact]
    public void CustomerSupportExample_Compiles_WithHashKeyFromEnvironment()
    {
        var options = Options(new Dictionary<string, string> { ["FASTMASK_HASH_KEY"] = HashKey });
        var result = PolicyLoader.LoadFile(PolicyFile("examples/customer-support.json"), options);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        using var policy = result.Policy;

        int Entity(string name) => policy.Entities.IndexOf(policy.Entities.Single(e => e.Name == name));
        Assert.True(policy.RestoreTokensInResponse);
        Assert.NotNull(policy.HashKey);
        Assert.Equal(OperatorKind.Tokenize, policy.ActionFor(MaskDirection.Request, Entity("EMAIL_ADDRESS")).Kind);
        Assert.Equal(OperatorKind.Hash, policy.ActionFor(MaskDirection.Request, Entity("ACCOUNT_ID")).Kind);
        Assert.Equal(OperatorKind.Keep, policy.ActionFor(MaskDirection.Request, Entity("TICKET_ID")).Kind);
        Assert.Contains(policy.FieldRules, r => r.Path.Text == "$.customer.accountId" && r.Entity == Entity("ACCOUNT_ID"));
        Assert.Contains(policy.FieldRules, r => r.Path.Text == "$..email" && r.Entity == Entity("EMAIL_ADDRESS"));
        Assert.Contains(policy.FieldRules, r => r.Path.Text == "$.customer.ssn" && r.Entity == Entity("US_SSN"));
        Assert.Equal("support-leads", Assert.Single(policy.Exemptions).Group);
        Assert.Equal(50, policy.Risk.ApprovalThreshold);
        Assert.Equal(25, policy.Risk.EntityWeights[Entity("CREDIT_CARD")]);
    }

    [Fact]
    public void CustomerSupportExample_WithoutHashKey_FailsClosed()
    {
        var result = PolicyLoader.LoadFile(PolicyFile("examples/customer-support.json"), Options());
        Assert.Equal("$.hashKey.env", Assert.Single(result.Errors).Path);
        Assert.NotNull(result.Document);
    }
}
