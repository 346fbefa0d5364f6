using System.Net;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>Settings of the newline-delimited JSON TCP ingress.</summary>
public sealed class NdjsonTcpOptions
{
    /// <summary>Where to listen. Defaults to 127.0.0.1 on a free port.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The longest request line, in bytes. Defaults to 64 KiB.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>The deadline of a request that sends no <c>timeout_ms</c>. Defaults to 10 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
