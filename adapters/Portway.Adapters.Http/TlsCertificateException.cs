namespace Portway.Adapters.Http;

/// <summary>The certificate of <c>runtime.web.tls</c> could not be loaded; the message says which file and why (never the password).</summary>
public sealed class TlsCertificateException : Exception
{
    public TlsCertificateException()
    {
    }

    public TlsCertificateException(string message)
        : base(message)
    {
    }

    public TlsCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
