namespace Portway.Configuration;

/// <summary><c>runtime.platform.execution_ipc.auth</c>.</summary>
public sealed class IpcAuthConfig
{
    /// <summary><c>mode</c>: <c>hmac</c> (sign and verify every envelope) or <c>none</c>. Defaults to <c>hmac</c>.</summary>
    public string Mode { get; set; } = "hmac";

    /// <summary><c>ttl_seconds</c>: how far an envelope's <c>ts</c> may be from now. Defaults to 30.</summary>
    public int TtlSeconds { get; set; } = 30;

    /// <summary><c>nonce_cache_size</c>: how many nonces the replay cache remembers. Defaults to 100000.</summary>
    public int NonceCacheSize { get; set; } = 100_000;
}
