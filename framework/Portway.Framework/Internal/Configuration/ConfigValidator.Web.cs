using Portway.Configuration;
using YamlDotNet.Core;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    private void ValidateWeb(PortwayConfig config)
    {
        var web = config.Runtime.Web;
        var pipelines = config.Pipelines.Keys.ToArray();
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);

        ValidateTls(web);
        if (web.Docs.Enabled && !web.OpenApi.Enabled)
        {
            _diagnostics.Report(_map.At(web.OpenApi, "enabled"), "openapi: the docs page reads the OpenAPI document; enable openapi or set docs.enabled: false");
        }

        AddBuiltin(routes, web.Health, "health");
        AddBuiltin(routes, web.Ready, "ready");
        AddBuiltin(routes, web.Stats, "stats");
        AddBuiltin(routes, web.Metrics, "metrics");
        AddBuiltin(routes, web.OpenApi, "openapi");
        AddBuiltin(routes, web.Docs, "docs");
        AddBuiltin(routes, web.Dashboard, "dashboard", DashboardRoutes.SubPaths);
        foreach (var iface in web.Interfaces)
        {
            if (iface.Kind == "timer")
            {
                ValidateTimer(iface, config);
                continue;
            }

            if (iface.Kind == "graphql")
            {
                // GraphQL over HTTP serves both GET and POST (and the WebSocket upgrade, a GET) at its path.
                AddRoute(routes, "POST", iface.Path, $"graphql {iface.Path}", _map.At(iface, "path"));
                AddRoute(routes, "GET", iface.Path, $"graphql {iface.Path}", _map.At(iface, "path"));
                ValidateGraphQL(iface, pipelines);
                ValidateGraphQLPipelineKinds(iface, config);
                continue;
            }

            foreach (var endpoint in iface.Endpoints)
            {
                if (endpoint.Pipeline.Length > 0) CheckPipeline(endpoint.Pipeline, $"endpoint '{endpoint.Route}'", _map.At(endpoint, "pipeline"), pipelines);
                foreach (var (op, pipeline) in endpoint.Operations)
                {
                    if (op == "cancel")
                    {
                        _diagnostics.Report(_map.At(endpoint.Operations, op), $"operation name 'cancel' of endpoint '{endpoint.Route}' is reserved: a client sends {{\"id\",\"op\":\"cancel\"}} to cancel a request in flight");
                    }

                    CheckPipeline(pipeline, $"operation '{op}' of endpoint '{endpoint.Route}'", _map.At(endpoint.Operations, op), pipelines);
                }

                if (endpoint.Path.Length > 0) AddRoute(routes, endpoint.Method, endpoint.Path, endpoint.Route, _map.At(endpoint, "route"));
            }
        }
    }

    /// <summary>An https listener needs a certificate; the files named must exist; a PKCS#12 file holds its own key.</summary>
    private void ValidateTls(WebConfig web)
    {
        if (web.Tls is not { } tls)
        {
            if (web.Listen.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            {
                _diagnostics.Report(_map.At(web, "listen"), "listen is https:// but runtime.web.tls is not set: give tls.cert_path (and key_path or password)");
            }

            return;
        }

        if (tls.CertPath.Length > 0 && !File.Exists(tls.CertPath))
        {
            _diagnostics.Report(_map.At(tls, "cert_path"), $"tls.cert_path: file '{tls.CertPath}' not found (relative paths start at the working folder)");
        }

        if (tls.KeyPath is { } key)
        {
            if (tls.IsPkcs12)
            {
                _diagnostics.Report(_map.At(tls, "key_path"), "tls.key_path is for a PEM certificate; a PKCS#12 file (.pfx, .p12) holds its own key");
            }
            else if (!File.Exists(key))
            {
                _diagnostics.Report(_map.At(tls, "key_path"), $"tls.key_path: file '{key}' not found (relative paths start at the working folder)");
            }
        }
    }

    /// <summary>Claims GET <c>path</c> (and GET <c>path/sub</c> for each of <paramref name="subPaths"/>) for a built-in endpoint.</summary>
    private void AddBuiltin(Dictionary<string, string> routes, BuiltinEndpointConfig builtin, string name, IReadOnlyList<string>? subPaths = null)
    {
        if (!builtin.Enabled) return;
        foreach (var path in (IEnumerable<string>)[builtin.Path, .. (subPaths ?? []).Select(sub => DashboardRoutes.Combine(builtin.Path, sub))])
        {
            var key = RouteTemplate.CollisionKey("GET", path);
            if (routes.TryGetValue(key, out var first))
            {
                _diagnostics.Report(_map.At(builtin, "path"), $"duplicate route: the built-in {name} endpoint's GET {path} is taken by {first}");
                return;
            }

            routes[key] = $"the built-in {name} endpoint (runtime.web.{name})";
        }
    }

    /// <summary>Reports a route whose method and path (parameter names erased) another route already took.</summary>
    private void AddRoute(Dictionary<string, string> routes, string method, string path, string route, Mark at)
    {
        var key = RouteTemplate.CollisionKey(method, path);
        if (routes.TryGetValue(key, out var first))
        {
            _diagnostics.Report(at, $"duplicate route '{route}': {first} already takes {method} {path}");
            return;
        }

        routes[key] = $"'{route}' at {Position(at)}";
    }

    private void CheckPipeline(string pipeline, string what, Mark at, string[] pipelines)
    {
        if (!pipelines.Contains(pipeline, StringComparer.Ordinal))
        {
            _diagnostics.Report(at, $"{what} names unknown pipeline '{pipeline}'{DidYouMean.Suffix(pipeline, pipelines)}");
        }
    }

    private void ValidateGraphQL(InterfaceConfig iface, string[] pipelines)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (typeName, fields) in iface.Types)
        {
            var at = _map.At(fields);
            if (!GraphQLTypeRef.IsName(typeName) || typeName.StartsWith("__", StringComparison.Ordinal))
            {
                _diagnostics.Report(at, $"type name '{typeName}' is not a GraphQL name (or starts with the reserved '__')");
            }
            else if (ConfigSchema.GraphQLScalars.Contains(typeName, StringComparer.Ordinal))
            {
                _diagnostics.Report(at, $"type '{typeName}' redefines a built-in scalar");
            }
            else if (ConfigSchema.GraphQLRootTypes.Contains(typeName, StringComparer.Ordinal))
            {
                _diagnostics.Report(at, $"type '{typeName}' clashes with the root type of the same name; pick another name");
            }

            declared.Add(typeName);
        }

        var outputTypes = ConfigSchema.GraphQLScalars.Concat(declared).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var (typeName, fields) in iface.Types)
        {
            if (fields.Count == 0) _diagnostics.Report(_map.At(fields), $"type '{typeName}' has no fields");
            foreach (var (field, typeRef) in fields)
            {
                CheckGraphQLName(field, $"field '{typeName}.{field}'", _map.At(fields, field));
                CheckTypeRef(typeRef, $"field '{typeName}.{field}'", _map.At(fields, field), outputTypes);
            }
        }

        if (iface.Query.Count == 0)
        {
            _diagnostics.Report(_map.At(iface), "graphql interface needs at least one query field (a GraphQL schema's Query type must have a field)");
        }

        CheckGraphQLBinds(iface);

        foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation), ("subscription", iface.Subscription) })
        {
            foreach (var (name, field) in fields)
            {
                var what = $"{operation} field '{name}'";
                CheckGraphQLName(name, what, _map.At(field));
                if (field.Pipeline.Length > 0) CheckPipeline(field.Pipeline, what, _map.At(field, "pipeline"), pipelines);
                if (field.Returns.Length > 0) CheckTypeRef(field.Returns, what, _map.At(field, "returns"), outputTypes);
                foreach (var (arg, typeRef) in field.Args)
                {
                    CheckGraphQLName(arg, $"argument '{arg}' of {what}", _map.At(field.Args, arg));
                    CheckTypeRef(typeRef, $"argument '{arg}' of {what}", _map.At(field.Args, arg), ConfigSchema.GraphQLScalars);
                }
            }
        }
    }

    /// <summary>
    /// Query and mutation fields need request/response pipelines, subscription fields stream pipelines (whose sink is
    /// a stream node). Checked when the loader knows the stream nodes.
    /// </summary>
    private void ValidateGraphQLPipelineKinds(InterfaceConfig iface, PortwayConfig config)
    {
        if (_streamNodes.Count == 0) return;
        foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation), ("subscription", iface.Subscription) })
        {
            foreach (var (name, field) in fields)
            {
                if (!config.Pipelines.TryGetValue(field.Pipeline, out var pipeline) || pipeline.Sink.Length == 0) continue;
                var isStream = pipeline.Stages.FirstOrDefault(s => s.Name == pipeline.Sink) is { } sink && _streamNodes.Contains(sink.Node);
                if (operation == "subscription" && !isStream)
                {
                    _diagnostics.Report(_map.At(field, "pipeline"),
                        $"subscription field '{name}' names '{field.Pipeline}', which is not a stream pipeline (its sink must be a stream node, e.g. sys.ticks)");
                }
                else if (operation != "subscription" && isStream)
                {
                    _diagnostics.Report(_map.At(field, "pipeline"),
                        $"{operation} field '{name}' names the stream pipeline '{field.Pipeline}'; declare it under subscription");
                }
            }
        }
    }

    private void CheckGraphQLName(string name, string what, Mark at)
    {
        if (!GraphQLTypeRef.IsName(name) || name.StartsWith("__", StringComparison.Ordinal))
        {
            _diagnostics.Report(at, $"{what}: '{name}' is not a GraphQL name ([_A-Za-z][_0-9A-Za-z]*, not starting with '__')");
        }
    }

    /// <summary>Written binds must cover the operations: request and response for query/mutation, stream for subscriptions.</summary>
    private void CheckGraphQLBinds(InterfaceConfig iface)
    {
        if (iface.Binds.Count == 0) return;
        var at = _map.At(iface, "binds");
        var missing = new List<string>();
        if (!iface.Binds.Contains("request", StringComparer.Ordinal)) missing.Add("request");
        if (!iface.Binds.Contains("response", StringComparer.Ordinal)) missing.Add("response");
        // With the stream nodes known, ValidateBinds checks each subscription field against its pipeline's port.
        if (_streamNodes.Count == 0 && iface.Subscription.Count > 0 && !iface.Binds.Contains("stream", StringComparer.Ordinal)) missing.Add("stream");
        if (missing.Count > 0)
        {
            _diagnostics.Report(at, $"binds: a graphql interface with {(missing.Contains("stream") ? "query and subscription" : "query")} fields must bind {string.Join(", ", missing)}");
        }
    }

    private void CheckTypeRef(string typeRef, string what, Mark at, IReadOnlyList<string> allowed)
    {
        if (!GraphQLTypeRef.TryGetNamedType(typeRef, out var name))
        {
            _diagnostics.Report(at, $"{what}: malformed type '{typeRef}'; expected T, T!, [T], [T!]!");
            return;
        }

        if (!allowed.Contains(name, StringComparer.Ordinal))
        {
            _diagnostics.Report(at, $"{what}: unknown type '{name}'; expected {string.Join(", ", allowed)}{DidYouMean.Suffix(name, allowed)}");
        }
    }
}
