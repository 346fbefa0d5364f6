using Portway.Configuration;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigBinder
{
    private void BindWeb(YamlNode node, WebConfig web)
    {
        var reader = Reader(AsMapping(node, "web"), node.Start, "runtime.web", ConfigSchema.Web, web);
        reader.String("listen", v =>
        {
            if (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                web.Listen = v;
            }
            else
            {
                reader.TryGet("listen", out var at);
                _diagnostics.Report(at.Start, $"listen: expected an http:// or https:// URL, got '{v}'");
            }
        });
        reader.Int("drain_timeout_ms", v => web.DrainTimeoutMs = v);
        if (reader.TryGet("health", out var health)) BindBuiltin(health, "health", web.Health);
        if (reader.TryGet("ready", out var ready)) BindBuiltin(ready, "ready", web.Ready);
        if (reader.TryGet("stats", out var stats)) BindBuiltin(stats, "stats", web.Stats);
        if (reader.TryGet("metrics", out var metrics)) BindBuiltin(metrics, "metrics", web.Metrics);
        if (reader.TryGet("openapi", out var openapi)) BindBuiltin(openapi, "openapi", web.OpenApi);
        if (reader.TryGet("docs", out var docs)) BindBuiltin(docs, "docs", web.Docs);
        if (reader.TryGet("dashboard", out var dashboard)) BindBuiltin(dashboard, "dashboard", web.Dashboard);
        if (reader.TryGet("tls", out var tls)) web.Tls = BindTls(tls);
        if (reader.TryGet("auth", out var auth)) BindAuth(auth, web.Auth);
        if (reader.TryGet("cache_clear", out var clear)) BindCacheClear(clear, web.CacheClear);
        reader.Enum("policy_store", ConfigSchema.PolicyStores, v => web.PolicyStore = v);
        if (reader.Sequence("interfaces") is { } interfaces)
        {
            foreach (var item in interfaces.Children) web.Interfaces.Add(BindInterface(item));
        }
    }

    private void BindBuiltin(YamlNode node, string name, BuiltinEndpointConfig builtin)
    {
        var reader = Reader(AsMapping(node, name), node.Start, $"runtime.web.{name}", ConfigSchema.BuiltinEndpoint, builtin);
        reader.Bool("enabled", v => builtin.Enabled = v);
        Path(reader, "path", v => builtin.Path = v);
    }

    private void BindCacheClear(YamlNode node, CacheClearConfig clear)
    {
        var reader = Reader(AsMapping(node, "cache_clear"), node.Start, "runtime.web.cache_clear", ConfigSchema.CacheClear, clear);
        reader.Bool("enabled", v => clear.Enabled = v);
        Path(reader, "path", v => clear.Path = v);
        if (reader.String("scope") is not { } scope) return;
        // A token's scope claim is a space-separated list, so an empty scope or one with a space could never be granted.
        if (scope.Length > 0 && !scope.Any(char.IsWhiteSpace))
        {
            clear.Scope = scope;
            return;
        }

        reader.TryGet("scope", out var at);
        _diagnostics.Report(at.Start, $"scope: '{scope}' is not a scope a token can carry (one non-empty word without spaces, e.g. cache.admin)");
    }

    private TlsConfig BindTls(YamlNode node)
    {
        var tls = new TlsConfig();
        var reader = Reader(AsMapping(node, "tls"), node.Start, "runtime.web.tls", ConfigSchema.Tls, tls);
        reader.String("cert_path", v => tls.CertPath = v, required: true);
        reader.String("key_path", v => tls.KeyPath = v);
        reader.String("password", v => tls.Password = v);
        return tls;
    }

    private InterfaceConfig BindInterface(YamlNode node)
    {
        var iface = new InterfaceConfig();
        var mapping = AsMapping(node, "an interface");
        var kind = mapping?.Children.TryGetValue(new YamlScalarNode("kind"), out var k) == true && k is YamlScalarNode ks ? ks.Value : null;
        var known = kind is not null && ConfigSchema.InterfaceKinds.Contains(kind, StringComparer.Ordinal) ? kind : null;
        var what = known is null ? "interface" : $"{known} interface";
        var reader = Reader(mapping, node.Start, what, ConfigSchema.Interface(known), iface);
        reader.Enum("kind", ConfigSchema.InterfaceKinds, v => iface.Kind = v, required: true);
        if (reader.StringList("binds") is { } binds)
        {
            for (var i = 0; i < binds.Count; i++)
            {
                if (!ConfigSchema.Binds.Contains(binds[i], StringComparer.Ordinal))
                {
                    _diagnostics.Report(_map.At(iface, $"binds[{i}]"),
                        $"binds: expected one of {string.Join(", ", ConfigSchema.Binds)}, got '{binds[i]}'{DidYouMean.Suffix(binds[i], ConfigSchema.Binds)}");
                }
            }

            iface.Binds = binds;
        }

        if (known == "timer")
        {
            if (reader.Sequence("schedules") is { } schedules)
            {
                foreach (var item in schedules.Children) iface.Schedules.Add(BindSchedule(item));
            }

            return iface;
        }

        reader.Enum("auth", ConfigSchema.AuthRequirements, v => iface.Auth = v);
        if (reader.TryGet("cors", out var cors)) BindCors(cors, iface);

        if (known != "graphql" && reader.Sequence("endpoints") is { } endpoints)
        {
            foreach (var item in endpoints.Children) iface.Endpoints.Add(BindEndpoint(item, known));
        }

        if (known == "graphql")
        {
            Path(reader, "path", v => iface.Path = v);
            reader.Int("max_depth", v => iface.MaxDepth = v);
            reader.Int("max_complexity", v => iface.MaxComplexity = v);
            reader.Int("max_tokens", v => iface.MaxTokens = v);
            reader.Int("max_fields", v => iface.MaxFields = v);
            reader.Int("max_in_flight", v => iface.MaxInFlight = v);
            reader.Int("send_queue_limit", v => iface.SendQueueLimit = v);
            reader.Int("send_queue_bytes", v => iface.SendQueueBytes = v);
            reader.Int("max_connections", v => iface.MaxConnections = v);
            reader.Int("timeout_ms", v => iface.TimeoutMs = v);
            reader.Int("max_body_bytes", v => iface.MaxBodyBytes = v);
            BindGraphQLTypes(reader, iface);
            iface.Query = BindGraphQLFields(reader, "query");
            iface.Mutation = BindGraphQLFields(reader, "mutation");
            iface.Subscription = BindGraphQLFields(reader, "subscription");
        }

        return iface;
    }

    private ScheduleConfig BindSchedule(YamlNode node)
    {
        var schedule = new ScheduleConfig();
        var reader = Reader(AsMapping(node, "a schedule"), node.Start, "schedule", ConfigSchema.Schedule, schedule);
        reader.String("name", v => schedule.Name = v, required: true);
        reader.String("pipeline", v => schedule.Pipeline = v, required: true);
        var hasEvery = reader.Has("every_ms");
        if (reader.TryGet("schedule", out var cronNode))
        {
            if (hasEvery)
            {
                _diagnostics.Report(cronNode.Start, "schedule: give either every_ms or schedule (a cron expression), not both");
            }
            else if (reader.String("schedule") is { } cron)
            {
                if (ScheduleConfig.CronProblem(cron) is { } problem)
                {
                    _diagnostics.Report(cronNode.Start, $"schedule: '{cron}' is not a cron expression: {problem}");
                }
                else
                {
                    schedule.Cron = cron;
                }
            }
        }
        else if (hasEvery)
        {
            reader.Int("every_ms", v => schedule.EveryMs = v, ScheduleConfig.MinEveryMs, ScheduleConfig.MaxEveryMs);
        }
        else
        {
            _diagnostics.Report(reader.Start, "missing required key 'every_ms' or 'schedule' in schedule (a period in ms, or a cron expression)");
        }

        reader.Int("timeout_ms", v => schedule.TimeoutMs = v);
        return schedule;
    }

    private EndpointConfig BindEndpoint(YamlNode node, string? kind)
    {
        var endpoint = new EndpointConfig();
        var what = kind is null ? "endpoint" : $"{kind} endpoint";
        var reader = Reader(AsMapping(node, "an endpoint"), node.Start, what, ConfigSchema.Endpoint(kind), endpoint);
        var isWebSocket = kind == "websocket";
        if (reader.String("route", required: true) is { } route)
        {
            endpoint.Route = route;
            reader.TryGet("route", out var at);
            string method = "GET", path, error;
            var ok = isWebSocket
                ? RouteTemplate.TryParseWebSocket(route, out path, out error)
                : RouteTemplate.TryParseHttp(route, out method, out path, out error);
            if (ok)
            {
                endpoint.Method = method;
                endpoint.Path = path;
            }
            else
            {
                _diagnostics.Report(at.Start, error);
            }
        }

        if (isWebSocket)
        {
            if (reader.Mapping("operations") is { } operations)
            {
                var ops = Reader(operations, operations.Start, "operations", [.. StringKeys(operations)], endpoint.Operations);
                foreach (var op in StringKeys(operations))
                {
                    if (ops.TryGet(op, out var opNode) && opNode is YamlMappingNode opMapping)
                    {
                        BindOperation(opMapping, op, endpoint);
                        continue;
                    }

                    ops.String(op, v => endpoint.Operations[op] = v, required: true);
                }
            }

            if (!reader.Has("pipeline") && !reader.Has("operations"))
            {
                _diagnostics.Report(reader.Start, "websocket endpoint needs 'pipeline' or 'operations'");
            }

            reader.String("pipeline", v => endpoint.Pipeline = v);
            reader.Int("max_message_bytes", v => endpoint.MaxMessageBytes = v);
            reader.Int("send_queue_limit", v => endpoint.SendQueueLimit = v);
            reader.Int("send_queue_bytes", v => endpoint.SendQueueBytes = v);
            reader.Int("max_in_flight", v => endpoint.MaxInFlight = v);
            reader.Int("max_connections", v => endpoint.MaxConnections = v);
            reader.Int("idle_timeout_ms", v => endpoint.IdleTimeoutMs = v);
            reader.Int("ping_interval_ms", v => endpoint.PingIntervalMs = v);
            if (reader.TryGet("message_rate", out var rate) && BindRateLimit(rate, "message_rate") is { } messageRate) endpoint.MessageRate = messageRate;
        }
        else
        {
            reader.String("pipeline", v => endpoint.Pipeline = v, required: true);
            if (reader.TryGet("cache", out var cache)) BindCache(cache, endpoint);
        }

        BindAccess(reader, v => endpoint.Auth = v, endpoint.Scopes, v => endpoint.Tenant = v, v => endpoint.RateLimit = v, endpoint);

        reader.Int("timeout_ms", v => endpoint.TimeoutMs = v);
        reader.Int("max_body_bytes", v => endpoint.MaxBodyBytes = v);
        return endpoint;
    }

    private void BindGraphQLTypes(MappingReader reader, InterfaceConfig iface)
    {
        if (reader.Mapping("types") is not { } types) return;
        _map.Record(iface.Types, "", types.Start);
        foreach (var (key, value) in types.Children)
        {
            if (key is not YamlScalarNode { Value: { } typeName }) continue;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            _map.Record(fields, "", key.Start);
            if (AsMapping(value, $"type '{typeName}'") is { } fieldMap)
            {
                var f = Reader(fieldMap, value.Start, $"type '{typeName}'", [.. StringKeys(fieldMap)], fields);
                foreach (var field in StringKeys(fieldMap))
                {
                    TypeRefValue(f, field, v => fields[field] = v);
                }
            }

            iface.Types[typeName] = fields;
        }
    }

    private Dictionary<string, GraphQLFieldConfig> BindGraphQLFields(MappingReader reader, string operation)
    {
        var result = new Dictionary<string, GraphQLFieldConfig>(StringComparer.Ordinal);
        if (reader.Mapping(operation) is not { } fields) return result;
        foreach (var (key, value) in fields.Children)
        {
            if (key is not YamlScalarNode { Value: { } name }) continue;
            var field = new GraphQLFieldConfig();
            var f = Reader(AsMapping(value, $"{operation} field '{name}'"), key.Start, $"{operation} field '{name}'", ConfigSchema.GraphQLField, field);
            _map.Record(field, "", key.Start);
            f.String("pipeline", v => field.Pipeline = v, required: true);
            TypeRefValue(f, "returns", v => field.Returns = v);
            BindAccess(f, v => field.Auth = v, field.Scopes, v => field.Tenant = v, v => field.RateLimit = v, field);
            if (f.Mapping("args") is { } args)
            {
                _map.Record(field.Args, "", args.Start);
                var a = Reader(args, args.Start, $"args of '{name}'", [.. StringKeys(args)], field.Args);
                foreach (var arg in StringKeys(args))
                {
                    TypeRefValue(a, arg, v => field.Args[arg] = v);
                }
            }

            result[name] = field;
        }

        return result;
    }

    /// <summary>A GraphQL type reference; an unquoted <c>[T]</c> is a YAML list, reported with the fix.</summary>
    private void TypeRefValue(MappingReader reader, string key, Action<string> set)
    {
        if (reader.TryGet(key, out var node) && node is YamlSequenceNode list)
        {
            var inner = list.Children is [YamlScalarNode { Value: { Length: > 0 } item }] ? item : "T";
            _diagnostics.Report(node.Start, $"{key}: a list type must be quoted in YAML, e.g. \"[{inner}]\"");
            return;
        }

        reader.String(key, set, required: true);
    }

    private void Path(MappingReader reader, string key, Action<string> set)
    {
        if (reader.String(key) is not { } path) return;
        if (RouteTemplate.TryCheckPath(path, out var error))
        {
            set(path);
            return;
        }

        reader.TryGet(key, out var at);
        _diagnostics.Report(at.Start, $"{key}: malformed path '{path}': {error}");
    }

    private static IEnumerable<string> StringKeys(YamlMappingNode mapping) =>
        mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).OfType<string>();
}
