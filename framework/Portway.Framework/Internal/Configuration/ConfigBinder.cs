using Portway.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

/// <summary>
/// Binds the YAML representation model to <see cref="PortwayConfig"/> by hand, section by section against
/// <see cref="ConfigSchema"/>, so every problem (unknown key, wrong type, missing key, range, enum, route shape)
/// carries a position. Values that are wrong keep their defaults; binding never stops at the first problem.
/// </summary>
internal sealed partial class ConfigBinder
{
    private readonly ConfigDiagnostics _diagnostics;
    private readonly SourceMap _map;

    public ConfigBinder(ConfigDiagnostics diagnostics, SourceMap map)
    {
        _diagnostics = diagnostics;
        _map = map;
    }

    public PortwayConfig Bind(YamlNode root)
    {
        var config = new PortwayConfig();
        if (AsMapping(root, "the file") is not { } rootMapping) return config;

        var reader = Reader(rootMapping, root.Start, "the top level", ConfigSchema.Root, config);
        if (reader.TryGet("runtime", out var runtime)) BindRuntime(runtime, config.Runtime);
        if (reader.TryGet("pipelines", out var pipelines)) BindPipelines(pipelines, config);
        return config;
    }

    private void BindRuntime(YamlNode node, RuntimeConfig runtime)
    {
        var reader = Reader(AsMapping(node, "runtime"), node.Start, "runtime", ConfigSchema.Runtime, runtime);
        if (reader.TryGet("platform", out var platform)) BindPlatform(platform, runtime.Platform);
        if (reader.TryGet("web", out var web)) BindWeb(web, runtime.Web);
        if (reader.TryGet("observability", out var observability)) BindObservability(observability, runtime.Observability);
    }

    private void BindObservability(YamlNode node, ObservabilityConfig observability)
    {
        var reader = Reader(AsMapping(node, "observability"), node.Start, "runtime.observability", ConfigSchema.Observability, observability);
        reader.String("service_name", v =>
        {
            if (v.Length > 0) observability.ServiceName = v;
            else _diagnostics.Report(_map.At(observability, "service_name"), "service_name: expected a non-empty name");
        });
        reader.String("otlp_endpoint", v =>
        {
            if (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                observability.OtlpEndpoint = v;
            }
            else
            {
                reader.TryGet("otlp_endpoint", out var at);
                _diagnostics.Report(at.Start, $"otlp_endpoint: expected an http:// or https:// URL, got '{v}'");
            }
        });
        reader.Enum("otlp_protocol", ConfigSchema.OtlpProtocols, v => observability.OtlpProtocol = v);
        reader.Double("sampling_ratio", v => observability.SamplingRatio = v, min: 0, max: 1);
    }

    private void BindPlatform(YamlNode node, PlatformConfig platform)
    {
        var reader = Reader(AsMapping(node, "platform"), node.Start, "runtime.platform", ConfigSchema.Platform, platform);
        if (reader.TryGet("kv", out var kvNode))
        {
            var kv = Reader(AsMapping(kvNode, "kv"), kvNode.Start, "runtime.platform.kv", ConfigSchema.Kv, platform.Kv);
            kv.Enum("backend", ConfigSchema.KvBackends, v => platform.Kv.Backend = v);
        }

        if (reader.TryGet("redis", out var redisNode))
        {
            var redis = Reader(AsMapping(redisNode, "redis"), redisNode.Start, "runtime.platform.redis", ConfigSchema.Redis, platform.Redis);
            redis.String("connection", v => platform.Redis.Connection = v);
            redis.String("key_prefix", v => platform.Redis.KeyPrefix = v);
            redis.Int("claim_idle_ms", v => platform.Redis.ClaimIdleMs = v, min: 100, max: 3_600_000);
            redis.Int("stream_max_length", v => platform.Redis.StreamMaxLength = v, min: 100, max: 100_000_000);
        }

        if (reader.TryGet("execution_ipc", out var ipcNode)) BindExecutionIpc(ipcNode, platform.ExecutionIpc);

        if (reader.Sequence("process_groups") is { } groups)
        {
            foreach (var item in groups.Children)
            {
                var group = new ProcessGroupConfig();
                var g = Reader(AsMapping(item, "a process group"), item.Start, "process group", ConfigSchema.ProcessGroup, group);
                g.String("name", v => group.Name = v, required: true);
                if (g.StringList("stages") is { } stages) group.Stages = stages;
                g.Int("replicas", v => group.Replicas = v, min: 0);
                platform.ProcessGroups.Add(group);
            }
        }

        reader.String("data_dir", v => platform.DataDir = v);
        reader.Enum("profile_store", ConfigSchema.ProfileStores, v => platform.ProfileStore = v);
    }

    private void BindExecutionIpc(YamlNode node, ExecutionIpcConfig ipc)
    {
        var reader = Reader(AsMapping(node, "execution_ipc"), node.Start, "runtime.platform.execution_ipc", ConfigSchema.ExecutionIpc, ipc);
        reader.Enum("transport", ConfigSchema.Transports, v => ipc.Transport = v);
        reader.String("bind_host", v => ipc.BindHost = v);
        reader.Int("bind_port", v => ipc.BindPort = v, min: 0, max: 65535);
        reader.Int("max_payload_bytes", v => ipc.MaxPayloadBytes = v);
        if (reader.TryGet("auth", out var authNode))
        {
            var auth = Reader(AsMapping(authNode, "auth"), authNode.Start, "runtime.platform.execution_ipc.auth", ConfigSchema.Auth, ipc.Auth);
            auth.Enum("mode", ConfigSchema.AuthModes, v => ipc.Auth.Mode = v);
            auth.Int("ttl_seconds", v => ipc.Auth.TtlSeconds = v);
            auth.Int("nonce_cache_size", v => ipc.Auth.NonceCacheSize = v);
            auth.Bool("sign_in_process", v => ipc.Auth.SignInProcess = v);
            auth.String("secret_file", v => ipc.Auth.SecretFile = v);
        }
    }

    private MappingReader Reader(YamlMappingNode? node, Mark at, string what, IReadOnlyList<string> allowed, object owner) =>
        new(node, at, what, allowed, owner, _diagnostics, _map);

    /// <summary>The node as a mapping; null (reported) when it is a list or a scalar, null (silently) when it is YAML null.</summary>
    private YamlMappingNode? AsMapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping) return mapping;
        if (node is YamlScalarNode scalar && YamlScalars.IsNull(scalar)) return null;
        _diagnostics.Report(node.Start, $"{what}: expected a mapping, got {MappingReader.Describe(node)}");
        return null;
    }
}
