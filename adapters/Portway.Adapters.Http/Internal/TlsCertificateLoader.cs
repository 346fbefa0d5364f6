using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal;

/// <summary>Loads the certificate of <c>runtime.web.tls</c>: PKCS#12, or PEM with its key (in the same file or <c>key_path</c>).</summary>
internal static class TlsCertificateLoader
{
    public static X509Certificate2 Load(TlsConfig tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        X509Certificate2 certificate;
        try
        {
            if (tls.IsPkcs12)
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertPath, tls.Password);
            }
            else
            {
                using var pem = tls.Password is null
                    ? X509Certificate2.CreateFromPemFile(tls.CertPath, tls.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(tls.CertPath, tls.Password, tls.KeyPath);

                // A key read from PEM is ephemeral; a PKCS#12 round trip gives SslStream one it can use everywhere.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsCertificateException($"runtime.web.tls: cannot load the certificate '{tls.CertPath}'{(tls.KeyPath is null ? "" : $" with key '{tls.KeyPath}'")}: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new TlsCertificateException($"runtime.web.tls: the certificate '{tls.CertPath}' has no private key; give key_path or a file that holds the key");
        }

        return certificate;
    }
}
