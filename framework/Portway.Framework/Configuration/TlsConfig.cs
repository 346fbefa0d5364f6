namespace Portway.Configuration;

/// <summary>
/// <c>runtime.web.tls</c>: the certificate an <c>https://</c> listener serves (HTTP/1.1 and HTTP/2, chosen by ALPN).
/// Relative paths are relative to the working folder.
/// </summary>
public sealed class TlsConfig
{
    /// <summary><c>cert_path</c> (required): a PEM certificate (<c>.pem</c>, <c>.crt</c>...) or a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>).</summary>
    public string CertPath { get; set; } = "";

    /// <summary><c>key_path</c>: the PEM private key of a PEM certificate; omit it when the certificate file holds the key too.</summary>
    public string? KeyPath { get; set; }

    /// <summary><c>password</c>: the PKCS#12 password, or the password of an encrypted PEM key. Never logged or printed.</summary>
    public string? Password { get; set; }

    /// <summary>True when <see cref="CertPath"/> names a PKCS#12 file (by its extension).</summary>
    public bool IsPkcs12 => CertPath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || CertPath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
}
