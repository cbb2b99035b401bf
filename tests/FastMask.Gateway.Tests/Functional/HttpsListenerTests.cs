using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FastMask.Gateway.Configuration;
using FastMask.Gateway.Tests.TestEnvironment;

namespace FastMask.Gateway.Tests.Functional;

public sealed class HttpsListenerTests
{
    [Fact]
    public async Task HttpsListener_WithPemCertificate_ServesMaskedTraffic()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string certPath = null!;
        string keyPath = null!;

        await using var gateway = await TestGateway.StartAsync(
            upstream.Url,
            route: (r, dir) =>
            {
                certPath = dir.Write("gateway.crt", certificate.ExportCertificatePem());
                keyPath = dir.Write("gateway.key", key.ExportPkcs8PrivateKeyPem());
                return r;
            },
            configure: c => c with
            {
                Listeners = [new ListenerConfig { Url = "https://127.0.0.1:0", Certificate = new CertificateConfig { Path = certPath, KeyPath = keyPath } }],
            });
        Assert.Equal("https", gateway.Host.DataUrls[0].Scheme);
        using var client = TestGateway.CreateClient(gateway.Host.DataUrls[0], trusted: certificate);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent($$$"""{"q":"{{{TestPolicies.Email}}}"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("https", upstream.Single().Header("X-Forwarded-Proto"));
        TestPolicies.AssertNoPlanted(upstream.Single().BodyText);
    }
}
