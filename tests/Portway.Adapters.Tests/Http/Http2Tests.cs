using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Portway.Adapters.Http;
using Portway.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>HTTP/1.1 and HTTP/2 on the one config-declared listener: h2c with prior knowledge on http, ALPN on https.</summary>
public sealed class Http2Tests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portway-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static HttpRequestMessage Echo(Version version, string body = """{"v":1}""") => new(HttpMethod.Post, "/v1/echo")
    {
        Version = version,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task PlainHttp_PriorKnowledgeHttp2_IsServedAsHttp2()
    {
        var (server, _) = await StreamingTestConfig.StartAsync();
        await using var _s = server;

        using var response = await server.Client.SendAsync(Echo(HttpVersion.Version20));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"v":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PlainHttp_Http11_IsServedOnTheSameListener()
    {
        var (server, _) = await StreamingTestConfig.StartAsync();
        await using var _s = server;

        using var response = await server.Client.SendAsync(Echo(HttpVersion.Version11));

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttp_Http2_StreamsNdjson()
    {
        var (server, _) = await StreamingTestConfig.StartAsync();
        await using var _s = server;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ticks")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("""{"count":3}""", Encoding.UTF8, "application/json"),
        };

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Https_PemCertificateAndKey_NegotiatesHttp2AndHttp11ByAlpn()
    {
        using var certificate = CreateSelfSigned();
        var certPath = Path.Combine(_folder, "server.crt");
        var keyPath = Path.Combine(_folder, "server.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        await using var server = await StartHttpsAsync($"{{ cert_path: '{certPath}', key_path: '{keyPath}' }}");
        using var client = TrustingClient(server.BaseAddress, certificate);
        using var h2 = await client.SendAsync(Echo(HttpVersion.Version20));
        using var h1 = await client.SendAsync(Echo(HttpVersion.Version11));

        Assert.Equal("https", server.BaseAddress.Scheme);
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal("""{"v":1}""", await h2.Content.ReadAsStringAsync());
        Assert.Equal(HttpVersion.Version11, h1.Version);
        Assert.Equal(HttpStatusCode.OK, h1.StatusCode);
    }

    [Fact]
    public async Task Https_Pkcs12WithPassword_ServesHttp2()
    {
        using var certificate = CreateSelfSigned();
        var pfxPath = Path.Combine(_folder, "server.pfx");
        await File.WriteAllBytesAsync(pfxPath, certificate.Export(X509ContentType.Pkcs12, "s3cret"));

        await using var server = await StartHttpsAsync($"{{ cert_path: '{pfxPath}', password: s3cret }}");
        using var client = TrustingClient(server.BaseAddress, certificate);
        using var response = await client.SendAsync(Echo(HttpVersion.Version20));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Https_WrongPkcs12Password_FailsStartupWithClearErrorWithoutThePassword()
    {
        using var certificate = CreateSelfSigned();
        var pfxPath = Path.Combine(_folder, "server.pfx");
        await File.WriteAllBytesAsync(pfxPath, certificate.Export(X509ContentType.Pkcs12, "right-one"));

        var ex = await Assert.ThrowsAsync<TlsCertificateException>(() => StartHttpsAsync($"{{ cert_path: '{pfxPath}', password: wrong-one }}"));

        Assert.Contains($"cannot load the certificate '{pfxPath}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-one", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_PemCertificateWithoutKey_FailsStartupNamingTheFile()
    {
        using var certificate = CreateSelfSigned();
        var certPath = Path.Combine(_folder, "only.crt");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());

        var ex = await Assert.ThrowsAsync<TlsCertificateException>(() => StartHttpsAsync($"{{ cert_path: '{certPath}' }}"));

        Assert.Contains(certPath, ex.Message, StringComparison.Ordinal);
    }

    private static Task<PortwayTestServer> StartHttpsAsync(string tls)
    {
        var yaml = StreamingTestConfig.Yaml.Replace("  web:\n", $"  web:\n    listen: https://127.0.0.1:8443\n    tls: {tls}\n", StringComparison.Ordinal);
        return PortwayTestServer.StartAsync(TestConfig.Load(yaml, "test.stream_fail"), services =>
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.stream_fail", typeof(FailingStreamNode))));
    }

    private static HttpClient TrustingClient(Uri baseAddress, X509Certificate2 expected)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Trust exactly the certificate the test made, nothing else.
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == expected.GetCertHashString(),
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=portway-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
