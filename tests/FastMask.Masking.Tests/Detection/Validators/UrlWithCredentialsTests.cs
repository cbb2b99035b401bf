using FastMask.Masking.Detection.Validators;
using static FastMask.Masking.Tests.Detection.Validators.ValidatorTestText;

namespace FastMask.Masking.Tests.Detection.Validators;

public class UrlWithCredentialsTests
{
    [Theory]
    [InlineData("postgres://admin:s3cr3t@db.example.com:5432")]
    [InlineData("https://user:p%40ss@example.org")]
    [InlineData("amqp://guest:gu:est@localhost")]
    public void IsValid_UrlWithUserAndPassword_ReturnsTrue(string url)
    {
        Assert.True(UrlWithCredentials.IsValid(Utf8(url)));
    }

    [Theory]
    [InlineData("https://user@example.org")]
    [InlineData("https://:secret@example.org")]
    [InlineData("https://user:@example.org")]
    [InlineData("https://user:****@example.org")]
    [InlineData("https://user:secret@")]
    [InlineData("user:secret@example.org")]
    public void IsValid_NoCredentials_ReturnsFalse(string text)
    {
        Assert.False(UrlWithCredentials.IsValid(Utf8(text)));
    }
}
