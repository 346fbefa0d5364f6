namespace Portway.Configuration;

/// <summary><c>runtime.platform</c>: where state lives and where stages run.</summary>
public sealed class PlatformConfig
{
    /// <summary><c>kv</c>. Defaults to the memory backend.</summary>
    public KvConfig Kv { get; set; } = new();

    /// <summary><c>redis</c>: the shared Redis connection (used by the redis kv backend and the redis transport).</summary>
    public RedisConfig Redis { get; set; } = new();

    /// <summary><c>execution_ipc</c>: how envelopes travel between process groups.</summary>
    public ExecutionIpcConfig ExecutionIpc { get; set; } = new();

    /// <summary><c>process_groups</c>. Defaults to one group, <c>web</c>, that runs every stage.</summary>
    public List<ProcessGroupConfig> ProcessGroups { get; set; } = [];

    /// <summary><c>data_dir</c>: where file-backed examples keep data. Defaults to <c>./data</c>; <c>PORTWAY_DATA_DIR</c> overrides it.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>
    /// <c>profile_store</c>: where the example voice-profile nodes keep profiles: <c>file</c> (one JSON file per
    /// profile under <see cref="DataDir"/>, for one host) or <c>kv</c> (the kv backend: with <c>kv.backend: redis</c>,
    /// every host serves the same profiles). Defaults to <c>file</c>.
    /// </summary>
    public string ProfileStore { get; set; } = "file";
}
