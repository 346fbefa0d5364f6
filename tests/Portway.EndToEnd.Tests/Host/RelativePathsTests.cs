using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary>
/// The real executable run from a folder of the user's: every relative path (<c>--config</c>, <c>check FILE</c>, the
/// TLS certificate, <c>data_dir</c>) starts at that folder, not at the config file's folder nor the executable's.
/// </summary>
public sealed class RelativePathsTests
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "Portway.Host");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Yaml = """
        runtime:
          platform: { data_dir: ./state }
          web:
            listen: https://127.0.0.1:0
            tls: { cert_path: tls/server.pfx, password: the-password }
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    [Fact]
    public async Task CheckAndServe_RelativeConfigTlsAndDataDir_StartAtTheWorkingFolder()
    {
        var folder = Directory.CreateTempSubdirectory("portway-paths-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "tls"));
            Directory.CreateDirectory(Path.Combine(folder, "conf"));
            using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
                await File.WriteAllBytesAsync(Path.Combine(folder, "tls", "server.pfx"), certificate.Export(X509ContentType.Pkcs12, "the-password"));
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "conf", "portway.yaml"), Yaml);

            await using (var check = await HostProcess.StartCommandAsync(folder, Executable, ["check", "conf/portway.yaml"], Deadline, waitForListening: false))
            {
                Assert.Equal(0, await check.WaitForExitAsync(Deadline));
                Assert.Contains("portway contract: conf/portway.yaml", check.Output, StringComparison.Ordinal);
            }

            // From the config's own folder the certificate's relative path names another file: it is not resolved there.
            await using (var elsewhere = await HostProcess.StartCommandAsync(Path.Combine(folder, "conf"), Executable, ["check", "portway.yaml"], Deadline, waitForListening: false))
            {
                Assert.Equal(1, await elsewhere.WaitForExitAsync(Deadline));
                Assert.Contains("tls.cert_path: file 'tls/server.pfx' not found (relative paths start at the working folder)", elsewhere.Output, StringComparison.Ordinal);
            }

            await using var host = await HostProcess.StartCommandAsync(folder, Executable, ["serve", "--config", "conf/portway.yaml"], Deadline);
            Assert.Equal("https", host.BaseAddress!.Scheme);
            Assert.Contains($"Config: {Path.Combine(folder, "conf", "portway.yaml")} (relative paths start at {folder})", host.Output, StringComparison.Ordinal);
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Subject == "CN=127.0.0.1" };
            using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
            using var echo = await client.PostAsync("/v1/echo", new StringContent("{\"over\":\"tls\"}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
            Assert.Equal("{\"over\":\"tls\"}", await echo.Content.ReadAsStringAsync());

            // Stopping writes the example pipelines' snapshots (node directory, batches) under data_dir.
            host.Terminate();
            Assert.Equal(0, await host.WaitForExitAsync(Deadline));
            Assert.True(File.Exists(Path.Combine(folder, "state", "batches", "batches.snapshot.json")), "data_dir ./state is in the working folder\n" + host.Output);
            Assert.False(Directory.Exists(Path.Combine(folder, "conf", "state")), "nothing lands next to the config file");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
