namespace Portway.Configuration;

/// <summary><c>runtime.platform.execution_ipc</c>.</summary>
public sealed class ExecutionIpcConfig
{
    /// <summary><c>transport</c>: <c>memory</c>, <c>tcp_local</c> or <c>redis</c>. Defaults to <c>memory</c>.</summary>
    public string Transport { get; set; } = "memory";

    /// <summary><c>bind_host</c>. Defaults to <c>127.0.0.1</c>.</summary>
    public string BindHost { get; set; } = "127.0.0.1";

    /// <summary><c>bind_port</c>; 0 picks an ephemeral port. Defaults to 0.</summary>
    public int BindPort { get; set; }

    /// <summary><c>auth</c>.</summary>
    public IpcAuthConfig Auth { get; set; } = new();

    /// <summary><c>max_payload_bytes</c>. Defaults to 1 MiB.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}
