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

    /// <summary>
    /// <c>secret_file</c>: with <c>transport: redis</c>, a file holding the HMAC secret hosts and workers share (at least
    /// 32 characters; the <c>PORTWAY_IPC_SECRET</c> environment variable wins). Defaults to none. tcp_local never
    /// needs it: the host makes a random secret and hands it to its children over stdin.
    /// </summary>
    public string? SecretFile { get; set; }
}
