using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary>The real executable with <c>runtime.web.tls</c>: a certificate it cannot use stops it with exit 1.</summary>
public sealed class ServeTlsTests
{
    [Fact]
    public async Task Serve_Pkcs12WithWrongPassword_ExitsOneNamingTheFileNotThePassword()
    {
        var folder = Directory.CreateTempSubdirectory("portway-tls-").FullName;
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=portway-test", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            var pfx = Path.Combine(folder, "server.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "the-right-one"));
            var config = Path.Combine(folder, "portway.yaml");
            await File.WriteAllTextAsync(config, $$"""
                runtime:
                  web:
                    listen: https://127.0.0.1:0
                    tls: { cert_path: '{{pfx}}', password: not-the-password }
                pipelines:
                  echo: { stages: [ { name: echo, node: sys.echo } ] }
                """);

            await using var host = await HostProcess.StartAsync(["serve", "--config", config], waitForListening: false);

            Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"runtime.web.tls: cannot load the certificate '{pfx}'", host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", host.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
