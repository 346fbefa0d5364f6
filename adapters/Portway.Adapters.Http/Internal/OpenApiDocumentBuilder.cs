using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Adapters.Http.Internal;

/// <summary>
/// The OpenAPI 3.1 document of the config's <c>kind: http</c> endpoints: one operation per route, its request body
/// the input of the pipeline's first stage and its answer the sink's output (schemas from the typed nodes,
/// <see cref="Node{TIn,TOut}"/> / <see cref="StreamNode{TIn,TItem}"/>, exported with <see cref="JsonSchemaExporter"/>
/// under <see cref="NodeJson.Options"/>), route parameters, NDJSON / SSE for stream pipelines, and the taxonomy's
/// error statuses with the error body. Each operation carries an example request made from its schema.
/// Not Microsoft.AspNetCore.OpenApi: its generator describes what ApiExplorer sees, and ApiExplorer describes only
/// route-handler delegates, not the config's <c>RequestDelegate</c> endpoints; every path would be added by a document
/// transformer by hand, with the same <see cref="JsonSchemaExporter"/> schemas used here directly.
/// </summary>
internal static partial class OpenApiDocumentBuilder
{
    private static readonly JsonSchemaExporterOptions ExporterOptions = new() { TreatNullObliviousAsNonNullable = true };

    public static JsonObject Build(PortwayConfig config, IEnumerable<NodeRegistration> nodes, Func<string, PipelineKind> kindOf)
    {
        var nodeTypes = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var node in nodes) nodeTypes[node.Name] = node.NodeType;
        var paths = new JsonObject();
        foreach (var endpoint in config.Runtime.Web.Interfaces.Where(i => i.Kind == "http").SelectMany(i => i.Endpoints))
        {
            if (!config.Pipelines.TryGetValue(endpoint.Pipeline, out var pipeline)) continue;
            var path = paths[endpoint.Path] as JsonObject;
            if (path is null)
            {
                path = new JsonObject();
                paths[endpoint.Path] = path;
            }

            path[endpoint.Method.ToLowerInvariant()] = Operation(endpoint, pipeline, nodeTypes, kindOf(pipeline.Name) is PipelineKind.Stream or PipelineKind.KvStream);
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Portway",
                ["version"] = "1",
                ["description"] = "The HTTP endpoints declared in the config. Every error answers {\"error\":{\"code\",\"message\",\"request_id\",\"trace_id\"}} with the taxonomy code's status.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject { ["Error"] = ErrorSchema() } },
        };
    }

    private static JsonObject Operation(EndpointConfig endpoint, PipelineConfig pipeline, Dictionary<string, Type> nodeTypes, bool stream)
    {
        var roots = pipeline.Stages.Where(s => s.After.Count == 0).ToArray();
        var first = roots.Length == 1 ? TypesOf(roots[0].Node, nodeTypes) : default;
        var sink = TypesOf(pipeline.Stages.FirstOrDefault(s => s.Name == pipeline.Sink)?.Node ?? "", nodeTypes);
        var routeParameters = RouteParameters(endpoint.Path);
        var input = SchemaOf(first.Input);
        foreach (var name in routeParameters)
        {
            // The route's values go into the input object under their names: the body need not carry them.
            (input["properties"] as JsonObject)?.Remove(name);
            if (input["required"] is JsonArray required)
            {
                foreach (var item in required.Where(r => r?.GetValue<string>() == name).ToArray()) required.Remove(item);
            }
        }

        var operation = new JsonObject
        {
            ["operationId"] = OperationId(endpoint),
            ["summary"] = $"pipeline {pipeline.Name}" + (stream ? " (stream)" : ""),
            ["description"] = $"Stages in order: {string.Join(" → ", pipeline.Order.Select(s => $"{s} ({pipeline.Stages.First(x => x.Name == s).Node})"))}. Deadline {endpoint.TimeoutMs} ms; body at most {endpoint.MaxBodyBytes} bytes.",
            ["tags"] = new JsonArray(pipeline.Name),
        };
        if (routeParameters.Count > 0)
        {
            operation["parameters"] = new JsonArray([.. routeParameters.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string" },
                ["example"] = "example",
            })]);
        }

        if (endpoint.Method is not ("GET" or "DELETE"))
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = routeParameters.Count == 0,
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject { ["schema"] = input, ["example"] = Example(input) },
                },
            };
        }

        var itemSchema = SchemaOf(sink.Output);
        var ok = stream
            ? new JsonObject
            {
                ["description"] = "The stream's items, each flushed as it is produced: NDJSON (one item per line; a failure ends it with an {\"error\":...} line) or, when Accept asks for it, server-sent events (event: item, then event: end or event: error).",
                ["content"] = new JsonObject
                {
                    ["application/x-ndjson"] = new JsonObject { ["schema"] = itemSchema },
                    ["text/event-stream"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["description"] = "event: item / data: one item as JSON; event: end; event: error / data: the error object" } },
                },
            }
            : new JsonObject
            {
                ["description"] = "The sink stage's answer.",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = itemSchema } },
            };
        var responses = new JsonObject { ["200"] = ok };
        foreach (var group in ErrorCode.All.GroupBy(ErrorCode.ToHttpStatus).OrderBy(g => g.Key))
        {
            responses[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = $"error: {string.Join(", ", group)}",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
            };
        }

        operation["responses"] = responses;
        return operation;
    }

    /// <summary>The input and output (or item) types of a node class, null for an untyped <see cref="INode"/>.</summary>
    private static (Type? Input, Type? Output) TypesOf(string node, Dictionary<string, Type> nodeTypes)
    {
        for (var type = nodeTypes.GetValueOrDefault(node); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Node<,>) || type.GetGenericTypeDefinition() == typeof(StreamNode<,>)))
            {
                var args = type.GetGenericArguments();
                return (args[0], args[1]);
            }
        }

        return default;
    }

    private static JsonObject SchemaOf(Type? type)
    {
        if (type is null || type == typeof(object) || type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(JsonObject))
        {
            return new JsonObject { ["description"] = "any JSON value (the node is untyped)" };
        }

        var schema = NodeJson.Options.GetJsonSchemaAsNode(type, ExporterOptions);
        return schema as JsonObject ?? new JsonObject();
    }

    private static JsonObject ErrorSchema() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("error"),
        ["properties"] = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("code", "message"),
                ["properties"] = new JsonObject
                {
                    ["code"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ErrorCode.All.Select(c => (JsonNode)c)]) },
                    ["message"] = new JsonObject { ["type"] = "string" },
                    ["request_id"] = new JsonObject { ["type"] = "string" },
                    ["trace_id"] = new JsonObject { ["type"] = "string" },
                },
            },
        },
    };

    private static string OperationId(EndpointConfig endpoint) =>
        endpoint.Method.ToLowerInvariant() + string.Concat(endpoint.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('{', '}')).Select(s => "_" + string.Concat(s.Select(c => char.IsLetterOrDigit(c) ? c : '_'))));

    private static List<string> RouteParameters(string path) =>
        path.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]).ToList();
}
