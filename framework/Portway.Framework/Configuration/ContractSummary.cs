using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portway.Internal.Configuration;

namespace Portway.Configuration;

/// <summary>
/// The normalized contract of a loaded config, as deterministic text (printed by <c>portway check</c>, logged by
/// <c>serve</c> before it listens) or as indented JSON with snake_case keys. Both show every setting with its
/// effective value, so a default is as visible as a written value.
/// </summary>
public static partial class ContractSummary
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The contract as human-readable text, one setting per line, ending with a newline.</summary>
    public static string Render(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var w = new StringBuilder();
        var platform = config.Runtime.Platform;
        var ipc = platform.ExecutionIpc;
        var web = config.Runtime.Web;

        Line(w, 0, $"portway contract: {config.Source}");
        Line(w, 0, "");
        Line(w, 0, "platform");
        Line(w, 1, $"kv.backend                          {platform.Kv.Backend}");
        Line(w, 1, $"redis.connection                    {RedisConfig.Redacted(platform.Redis.Connection)} (PORTWAY_REDIS wins when set)");
        Line(w, 1, $"redis.key_prefix                    {platform.Redis.KeyPrefix}");
        Line(w, 1, $"redis.claim_idle_ms                 {Num(platform.Redis.ClaimIdleMs)}");
        Line(w, 1, $"redis.stream_max_length             {Num(platform.Redis.StreamMaxLength)}");
        Line(w, 1, $"execution_ipc.transport             {ipc.Transport}");
        Line(w, 1, $"execution_ipc.bind_host             {ipc.BindHost}");
        Line(w, 1, $"execution_ipc.bind_port             {Num(ipc.BindPort)}");
        Line(w, 1, $"execution_ipc.auth.mode             {ipc.Auth.Mode}");
        Line(w, 1, $"execution_ipc.auth.ttl_seconds      {Num(ipc.Auth.TtlSeconds)}");
        Line(w, 1, $"execution_ipc.auth.nonce_cache_size {Num(ipc.Auth.NonceCacheSize)}");
        Line(w, 1, $"execution_ipc.auth.sign_in_process  {(ipc.Auth.SignInProcess ? "true" : "false")}");
        if (ipc.Auth.SecretFile is { } secretFile) Line(w, 1, $"execution_ipc.auth.secret_file      {secretFile}");
        Line(w, 1, $"execution_ipc.max_payload_bytes     {Num(ipc.MaxPayloadBytes)}");
        Line(w, 1, $"data_dir                            {platform.DataDir}");
        Line(w, 1, $"profile_store                       {platform.ProfileStore}");
        Line(w, 0, "");
        Line(w, 0, "process groups");
        foreach (var group in platform.ProcessGroups)
        {
            var where = group.Name == ProcessGroupConfig.WebGroup ? "host process" : $"replicas={Num(group.Replicas)}";
            Line(w, 1, $"{group.Name} ({where}): {List(group.Stages)}");
        }

        Line(w, 0, "");
        Line(w, 0, "web");
        Line(w, 1, $"listen           {web.Listen}");
        Line(w, 1, $"drain_timeout_ms {Num(web.DrainTimeoutMs)}");
        Line(w, 1, $"health           {Builtin(web.Health)}");
        Line(w, 1, $"ready            {Builtin(web.Ready)}");
        Line(w, 1, $"stats            {Builtin(web.Stats)}");
        Line(w, 1, $"metrics          {Builtin(web.Metrics)}");
        Line(w, 1, $"openapi          {Builtin(web.OpenApi)}");
        Line(w, 1, $"docs             {Builtin(web.Docs)}");
        Line(w, 1, $"dashboard        {Builtin(web.Dashboard)}");
        Line(w, 1, $"tls              {Tls(web.Tls)}");
        Line(w, 1, $"cache_clear      {PolicySummary.CacheClear(web)}");
        Line(w, 1, $"auth             {PolicySummary.Jwt(web.Auth.Jwt)}");
        Line(w, 1, $"policy_store     {web.PolicyStore}{(web.PolicyStore == "redis" ? " (rate limits but concurrency, and the response cache, shared by every host)" : " (per host)")}");
        foreach (var iface in web.Interfaces)
        {
            Line(w, 0, "");
            RenderInterface(w, iface);
        }

        var observability = config.Runtime.Observability;
        Line(w, 0, "");
        Line(w, 0, "observability");
        Line(w, 1, $"service_name     {observability.ServiceName}");
        Line(w, 1, $"otlp             {(observability.OtlpEndpoint is { } otlp ? $"{otlp} ({observability.OtlpProtocol})" : "off (unless OTEL_EXPORTER_OTLP_ENDPOINT)")}");
        Line(w, 1, string.Create(CultureInfo.InvariantCulture, $"sampling_ratio   {observability.SamplingRatio}"));
        RenderEgress(w, config.Runtime.Egress);

        Line(w, 0, "");
        Line(w, 0, "pipelines");
        foreach (var pipeline in config.Pipelines.Values)
        {
            Line(w, 1, $"{pipeline.Name} (sink: {pipeline.Sink})");
            var byName = pipeline.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
            var width = pipeline.Order.Max(n => n.Length);
            var nodeWidth = pipeline.Stages.Max(s => s.Node.Length);
            for (var i = 0; i < pipeline.Order.Count; i++)
            {
                var stage = byName[pipeline.Order[i]];
                var sink = stage.Name == pipeline.Sink ? "  [sink]" : "";
                Line(w, 2, $"{Num(i + 1)}. {stage.Name.PadRight(width)}  node={stage.Node.PadRight(nodeWidth)}  group={stage.Group}  after={List(stage.After)}{sink}");
                if (stage.With is not null) Line(w, 2, $"   {new string(' ', width)}  with={stage.With.ToJsonString(CompactJson)}");
            }
        }

        return w.ToString();
    }

    private static void RenderInterface(StringBuilder w, InterfaceConfig iface)
    {
        var binds = $"binds=[{string.Join(", ", iface.Binds)}]"
            + (iface.CorsOrigins.Count > 0 ? $" cors.origins=[{string.Join(", ", iface.CorsOrigins)}]" : "");
        switch (iface.Kind)
        {
            case "graphql":
                Line(w, 0, $"interface graphql GET, POST {iface.Path} {binds}");
                Line(w, 1, $"cors {PolicySummary.Cors(iface.Cors)}");
                Line(w, 1, $"max_depth={Num(iface.MaxDepth)}, max_complexity={Num(iface.MaxComplexity)}, timeout_ms={Num(iface.TimeoutMs)}, max_body_bytes={Num(iface.MaxBodyBytes)}");
                Line(w, 1, $"max_tokens={Num(iface.MaxTokens)}, max_fields={Num(iface.MaxFields)}, max_in_flight={Num(iface.MaxInFlight)}");
                Line(w, 1, $"websocket: send_queue_limit={Num(iface.SendQueueLimit)}, send_queue_bytes={Num(iface.SendQueueBytes)}, max_connections={Num(iface.MaxConnections)}");
                foreach (var (name, fields) in iface.Types)
                {
                    Line(w, 1, $"type {name} {{ {string.Join(", ", fields.Select(f => $"{f.Key}: {f.Value}"))} }}");
                }

                foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation), ("subscription", iface.Subscription) })
                {
                    foreach (var (name, field) in fields)
                    {
                        var args = field.Args.Count == 0 ? "" : $"({string.Join(", ", field.Args.Select(a => $"{a.Key}: {a.Value}"))})";
                        Line(w, 1, $"{operation} {name}{args}: {field.Returns} -> {field.Pipeline}");
                        Line(w, 2, PolicySummary.Line(field.Auth, field.Scopes, field.Tenant, field.RateLimit));
                    }
                }

                break;
            case "timer":
                Line(w, 0, $"interface timer {binds}");
                foreach (var s in iface.Schedules)
                {
                    Line(w, 1, $"{(s.Cron.Length > 0 ? $"cron \"{s.Cron}\" (UTC)" : $"every {Num(s.EveryMs)} ms")} -> {s.Pipeline} (schedule {s.Name}, timeout_ms={Num(s.TimeoutMs)})");
                }

                break;
            case "websocket":
                Line(w, 0, $"interface websocket {binds}");
                Line(w, 1, $"cors {PolicySummary.Cors(iface.Cors)}");
                foreach (var e in iface.Endpoints)
                {
                    var target = e.Pipeline.Length > 0 ? e.Pipeline : "(operations)";
                    Line(w, 1, $"{e.Method} {e.Path} -> {target} (timeout_ms={Num(e.TimeoutMs)}, max_body_bytes={Num(e.MaxBodyBytes)}, max_message_bytes={Num(e.MaxMessageBytes)}, send_queue_limit={Num(e.SendQueueLimit)}, idle_timeout_ms={Num(e.IdleTimeoutMs)}, ping_interval_ms={Num(e.PingIntervalMs)}, send_queue_bytes={Num(e.SendQueueBytes)}, max_in_flight={Num(e.MaxInFlight)}, max_connections={Num(e.MaxConnections)})");
                    Line(w, 2, PolicySummary.Line(e.Auth, e.Scopes, e.Tenant, e.RateLimit, messageRate: e.MessageRate));
                    foreach (var (op, pipeline) in e.Operations)
                    {
                        Line(w, 2, e.OperationPolicies.TryGetValue(op, out var o) && OwnPolicy(e, o)
                            ? $"op {op} -> {pipeline} ({PolicySummary.Line(o.Auth, o.Scopes ?? [], o.Tenant ?? "", o.RateLimit)})"
                            : $"op {op} -> {pipeline}");
                    }
                }

                break;
            default:
                Line(w, 0, $"interface {iface.Kind} {binds}");
                Line(w, 1, $"cors {PolicySummary.Cors(iface.Cors)}");
                var methodWidth = iface.Endpoints.Count == 0 ? 0 : iface.Endpoints.Max(e => e.Method.Length);
                var pathWidth = iface.Endpoints.Count == 0 ? 0 : iface.Endpoints.Max(e => e.Path.Length);
                foreach (var e in iface.Endpoints)
                {
                    Line(w, 1, $"{e.Method.PadRight(methodWidth)} {e.Path.PadRight(pathWidth)} -> {e.Pipeline} (timeout_ms={Num(e.TimeoutMs)}, max_body_bytes={Num(e.MaxBodyBytes)})");
                    Line(w, 2, PolicySummary.Line(e.Auth, e.Scopes, e.Tenant, e.RateLimit, e.Cache));
                }

                break;
        }
    }

    /// <summary>The contract as indented JSON (snake_case keys, <c>\n</c> line ends), ending with a newline.</summary>
    public static string RenderJson(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var platform = config.Runtime.Platform;
        var ipc = platform.ExecutionIpc;
        var web = config.Runtime.Web;
        var root = new JsonObject
        {
            ["source"] = config.Source,
            ["runtime"] = new JsonObject
            {
                ["platform"] = new JsonObject
                {
                    ["kv"] = new JsonObject { ["backend"] = platform.Kv.Backend },
                    ["redis"] = new JsonObject { ["connection"] = RedisConfig.Redacted(platform.Redis.Connection), ["key_prefix"] = platform.Redis.KeyPrefix, ["claim_idle_ms"] = platform.Redis.ClaimIdleMs, ["stream_max_length"] = platform.Redis.StreamMaxLength },
                    ["execution_ipc"] = new JsonObject
                    {
                        ["transport"] = ipc.Transport,
                        ["bind_host"] = ipc.BindHost,
                        ["bind_port"] = ipc.BindPort,
                        ["auth"] = new JsonObject
                        {
                            ["mode"] = ipc.Auth.Mode,
                            ["ttl_seconds"] = ipc.Auth.TtlSeconds,
                            ["nonce_cache_size"] = ipc.Auth.NonceCacheSize,
                            ["sign_in_process"] = ipc.Auth.SignInProcess,
                            ["secret_file"] = ipc.Auth.SecretFile,
                        },
                        ["max_payload_bytes"] = ipc.MaxPayloadBytes,
                    },
                    ["process_groups"] = new JsonArray([.. platform.ProcessGroups.Select(g => (JsonNode)new JsonObject
                    {
                        ["name"] = g.Name,
                        ["replicas"] = g.Replicas,
                        ["stages"] = Strings(g.Stages),
                    })]),
                    ["data_dir"] = platform.DataDir,
                    ["profile_store"] = platform.ProfileStore,
                },
                ["web"] = new JsonObject
                {
                    ["listen"] = web.Listen,
                    ["drain_timeout_ms"] = web.DrainTimeoutMs,
                    ["health"] = new JsonObject { ["enabled"] = web.Health.Enabled, ["path"] = web.Health.Path },
                    ["ready"] = new JsonObject { ["enabled"] = web.Ready.Enabled, ["path"] = web.Ready.Path },
                    ["stats"] = new JsonObject { ["enabled"] = web.Stats.Enabled, ["path"] = web.Stats.Path },
                    ["metrics"] = new JsonObject { ["enabled"] = web.Metrics.Enabled, ["path"] = web.Metrics.Path },
                    ["openapi"] = new JsonObject { ["enabled"] = web.OpenApi.Enabled, ["path"] = web.OpenApi.Path },
                    ["docs"] = new JsonObject { ["enabled"] = web.Docs.Enabled, ["path"] = web.Docs.Path },
                    ["dashboard"] = new JsonObject { ["enabled"] = web.Dashboard.Enabled, ["path"] = web.Dashboard.Path },
                    ["tls"] = web.Tls is not { } tls ? null : new JsonObject
                    {
                        ["cert_path"] = tls.CertPath,
                        ["key_path"] = tls.KeyPath,
                        ["password"] = tls.Password is null ? null : "(set)",
                    },
                    ["cache_clear"] = new JsonObject { ["enabled"] = web.CacheClear.Enabled, ["path"] = web.CacheClear.Path, ["scope"] = web.CacheClear.Scope, ["served"] = PolicySummary.CacheClearServed(web) },
                    ["auth"] = new JsonObject { ["jwt"] = PolicySummary.JwtJson(web.Auth.Jwt) },
                    ["policy_store"] = web.PolicyStore,
                    ["interfaces"] = new JsonArray([.. web.Interfaces.Select(InterfaceJson)]),
                },
                ["observability"] = new JsonObject
                {
                    ["service_name"] = config.Runtime.Observability.ServiceName,
                    ["otlp_endpoint"] = config.Runtime.Observability.OtlpEndpoint,
                    ["otlp_protocol"] = config.Runtime.Observability.OtlpProtocol,
                    ["sampling_ratio"] = config.Runtime.Observability.SamplingRatio,
                },
            },
            ["pipelines"] = new JsonArray([.. config.Pipelines.Values.Select(PipelineJson)]),
        };
        if (EgressJson(config.Runtime.Egress) is { } egress)
        {
            ((JsonObject)root["runtime"]!)["egress"] = egress;
        }

        return root.ToJsonString(JsonOptions) + "\n";
    }

    private static JsonNode InterfaceJson(InterfaceConfig iface)
    {
        var obj = new JsonObject { ["kind"] = iface.Kind, ["binds"] = Strings(iface.Binds), ["cors"] = PolicySummary.CorsJson(iface.Cors) };
        if (iface.Kind == "graphql")
        {
            obj["path"] = iface.Path;
            obj["max_depth"] = iface.MaxDepth;
            obj["max_complexity"] = iface.MaxComplexity;
            obj["max_tokens"] = iface.MaxTokens;
            obj["max_fields"] = iface.MaxFields;
            obj["max_in_flight"] = iface.MaxInFlight;
            obj["send_queue_limit"] = iface.SendQueueLimit;
            obj["send_queue_bytes"] = iface.SendQueueBytes;
            obj["max_connections"] = iface.MaxConnections;
            obj["timeout_ms"] = iface.TimeoutMs;
            obj["max_body_bytes"] = iface.MaxBodyBytes;
            var types = new JsonObject();
            foreach (var (name, fields) in iface.Types) types[name] = StringMap(fields);
            obj["types"] = types;
            obj["query"] = FieldsJson(iface.Query);
            obj["mutation"] = FieldsJson(iface.Mutation);
            obj["subscription"] = FieldsJson(iface.Subscription);
            return obj;
        }

        if (iface.Kind == "timer")
        {
            obj["schedules"] = new JsonArray([.. iface.Schedules.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["pipeline"] = s.Pipeline,
                [s.Cron.Length > 0 ? "schedule" : "every_ms"] = s.Cron.Length > 0 ? s.Cron : s.EveryMs,
                ["timeout_ms"] = s.TimeoutMs,
            })]);
            return obj;
        }

        obj["endpoints"] = new JsonArray([.. iface.Endpoints.Select(e =>
        {
            var endpoint = new JsonObject
            {
                ["route"] = e.Route,
                ["method"] = e.Method,
                ["path"] = e.Path,
                ["pipeline"] = e.Pipeline,
                ["timeout_ms"] = e.TimeoutMs,
                ["max_body_bytes"] = e.MaxBodyBytes,
            };
            if (iface.Kind == "websocket")
            {
                endpoint["operations"] = StringMap(e.Operations);
                endpoint["operation_policies"] = new JsonObject([.. e.OperationPolicies.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                    KeyValuePair.Create(p.Key, (JsonNode?)PolicySummary.Json(p.Value.Auth, p.Value.Scopes ?? [], p.Value.Tenant ?? "", p.Value.RateLimit)))]);
                endpoint["max_message_bytes"] = e.MaxMessageBytes;
                endpoint["send_queue_limit"] = e.SendQueueLimit;
                endpoint["send_queue_bytes"] = e.SendQueueBytes;
                endpoint["max_in_flight"] = e.MaxInFlight;
                endpoint["max_connections"] = e.MaxConnections;
                endpoint["idle_timeout_ms"] = e.IdleTimeoutMs;
                endpoint["ping_interval_ms"] = e.PingIntervalMs;
            }

            endpoint["policy"] = PolicySummary.Json(e.Auth, e.Scopes, e.Tenant, e.RateLimit, e.Cache, e.MessageRate, iface.Kind == "websocket");

            return (JsonNode)endpoint;
        })]);
        return obj;
    }

    private static JsonObject FieldsJson(Dictionary<string, GraphQLFieldConfig> fields)
    {
        var obj = new JsonObject();
        foreach (var (name, field) in fields)
        {
            obj[name] = new JsonObject
            {
                ["pipeline"] = field.Pipeline,
                ["args"] = StringMap(field.Args),
                ["returns"] = field.Returns,
                ["policy"] = PolicySummary.Json(field.Auth, field.Scopes, field.Tenant, field.RateLimit),
            };
        }

        return obj;
    }

    private static JsonNode PipelineJson(PipelineConfig pipeline)
    {
        var byName = pipeline.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        return new JsonObject
        {
            ["name"] = pipeline.Name,
            ["sink"] = pipeline.Sink,
            ["stages"] = new JsonArray([.. pipeline.Order.Select(n => byName[n]).Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["node"] = s.Node,
                ["group"] = s.Group,
                ["after"] = Strings(s.After),
                ["with"] = s.With?.DeepClone(),
                ["sink"] = s.Name == pipeline.Sink,
            })]),
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject StringMap(Dictionary<string, string> map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map) obj[key] = value;
        return obj;
    }

    private static string Builtin(BuiltinEndpointConfig builtin) => builtin.Enabled ? $"GET {builtin.Path}" : $"disabled (path {builtin.Path})";

    /// <summary>The certificate files; a password shows only as "(set)".</summary>
    private static string Tls(TlsConfig? tls) => tls is null
        ? "none"
        : $"cert_path={tls.CertPath}" + (tls.KeyPath is null ? "" : $", key_path={tls.KeyPath}") + (tls.Password is null ? "" : ", password=(set)");

    private static string List(IReadOnlyCollection<string> values) => values.Count == 0 ? "-" : string.Join(", ", values);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder w, int indent, string text) =>
        w.Append(' ', indent * 2).Append(text.TrimEnd()).Append('\n');

    /// <summary>True when an operation's effective policy is not simply its endpoint's (then the summary prints it).</summary>
    private static bool OwnPolicy(EndpointConfig endpoint, WebSocketOperationConfig operation) =>
        operation.Auth != endpoint.Auth || (operation.Tenant ?? "") != endpoint.Tenant || !ReferenceEquals(operation.RateLimit, endpoint.RateLimit)
        || !(operation.Scopes ?? []).SequenceEqual(endpoint.Scopes, StringComparer.Ordinal);
}
