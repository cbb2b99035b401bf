namespace FastMask.Hyperscan.Tests;

public class HyperscanLibraryTests
{
    [Fact]
    public void IsAvailable_LibraryInstalled_IsTrueWithoutReason()
    {
        // CI installs libhyperscan5: a missing library must fail here rather than skip.
        var available = HyperscanLibrary.IsAvailable(out var reason);

        Assert.True(available, reason);
        Assert.Null(reason);
    }

    [Fact]
    public void Version_Is54Series()
    {
        Assert.StartsWith("5.", HyperscanLibrary.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidPlatform_ReturnsSuccess()
    {
        Assert.Equal(0, HyperscanNative.hs_valid_platform());
    }

    [Theory]
    [InlineData(HyperscanError.CompilerError, "HS_COMPILER_ERROR")]
    [InlineData(HyperscanError.ScratchInUse, "HS_SCRATCH_IN_USE")]
    [InlineData(HyperscanError.ArchitectureError, "HS_ARCH_ERROR")]
    [InlineData(HyperscanError.NoMemory, "HS_NOMEM")]
    [InlineData((HyperscanError)(-99), "HS_ERROR(-99)")]
    public void NativeName_IsTheCName(HyperscanError error, string expected)
    {
        Assert.Equal(expected, error.NativeName());
    }
}
