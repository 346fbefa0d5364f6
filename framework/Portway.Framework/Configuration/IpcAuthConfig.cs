namespace Portway.Configuration;

/// <summary><c>runtime.platform.execution_ipc.auth</c>.</summary>
public sealed class IpcAuthConfig
{
    /// <summary>
    /// <c>mode</c>: <c>hmac</c> (every envelope that crosses a process boundary is signed and verified) or <c>none</c>.
    /// Defaults to <c>hmac</c>.
    /// </summary>
    public string Mode { get; set; } = "hmac";

    /// <summary><c>ttl_seconds</c>: how far an envelope's <c>ts</c> may be from now. Defaults to 30.</summary>
    public int TtlSeconds { get; set; } = 30;

    /// <summary><c>nonce_cache_size</c>: how many nonces the replay cache remembers. Defaults to 100000.</summary>
    public int NonceCacheSize { get; set; } = 100_000;

    /// <summary>
    /// <c>sign_in_process</c>: with <c>mode: hmac</c>, also sign and verify the stage hops that stay in this process
    /// (memory transport), exactly as a boundary would, so one process exercises the signature path. Defaults to
    /// false: an in-process hop never leaves memory, and signing it costs about a fifth of an echo's throughput.
    /// </summary>
    public bool SignInProcess { get; set; }
}
