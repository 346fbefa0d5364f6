using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>The node that calls an HTTP egress (<c>with: { egress, method, path }</c>).</summary>
    internal const string HttpCallNode = "sys.http_call";

    /// <summary>The node that sends to a WebSocket egress (<c>with: { egress }</c>).</summary>
    internal const string WebSocketSendNode = "sys.ws_send";

    /// <summary>Headers the runtime sets itself: an egress may not set them.</summary>
    private static readonly string[] ReservedEgressHeaders =
        ["host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "traceparent", "tracestate",
         "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"];

    /// <summary>
    /// <c>runtime.egress</c>: names unique across kinds, delays and timeouts that can all happen, header names that are
    /// tokens and not the runtime's own; a stage's <c>with.egress</c> names a declared egress (of the kind its node needs).
    /// </summary>
    private void ValidateEgress(PortwayConfig config)
    {
        var egress = config.Runtime.Egress;
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        void Declare(object owner, string name, string kind)
        {
            if (name.Length == 0) return;
            CheckName(name, "egress", _map.At(owner, "name"));
            if (!kinds.TryAdd(name, kind))
            {
                _diagnostics.Report(_map.At(owner, "name"), $"egress name '{name}' is declared twice (names are unique across http and websocket)");
            }
        }

        foreach (var http in egress.Http)
        {
            Declare(http, http.Name, "http");
            if (http.Retry.MaxDelayMs < http.Retry.BaseDelayMs)
            {
                _diagnostics.Report(_map.At(http.Retry, "max_delay_ms"), $"egress '{http.Name}': retry.max_delay_ms ({http.Retry.MaxDelayMs}) is below base_delay_ms ({http.Retry.BaseDelayMs})");
            }

            if (http.TimeoutMs > http.TotalTimeoutMs)
            {
                _diagnostics.Report(_map.At(http, _map.Has(http, "timeout_ms") ? "timeout_ms" : "total_timeout_ms"),
                    $"egress '{http.Name}': timeout_ms ({http.TimeoutMs}) is over total_timeout_ms ({http.TotalTimeoutMs}): no attempt could use it");
            }

            ValidateEgressHeaders(http.Name, http.Headers);
        }

        foreach (var ws in egress.WebSocket)
        {
            Declare(ws, ws.Name, "websocket");
            if (ws.Reconnect.MaxDelayMs < ws.Reconnect.BaseDelayMs)
            {
                _diagnostics.Report(_map.At(ws.Reconnect, "max_delay_ms"), $"egress '{ws.Name}': reconnect.max_delay_ms ({ws.Reconnect.MaxDelayMs}) is below base_delay_ms ({ws.Reconnect.BaseDelayMs})");
            }

            ValidateEgressHeaders(ws.Name, ws.Headers);
        }

        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                ValidateStageEgress(pipeline, stage, kinds);
            }
        }
    }

    private void ValidateStageEgress(PipelineConfig pipeline, StageConfig stage, Dictionary<string, string> kinds)
    {
        var where = $"stage '{stage.Name}' of pipeline '{pipeline.Name}'";
        var required = stage.Node switch { HttpCallNode => "http", WebSocketSendNode => "websocket", _ => null };

        // Optional: a node that declares a kind (PortwayNodeAttribute.Egress, from the catalog).
        var needs = required ?? _catalog.GetValueOrDefault(stage.Node)?.Egress;
        var value = stage.With?["egress"];
        if (value is null)
        {
            if (required is not null)
            {
                _diagnostics.Report(_map.At(stage, _map.Has(stage, "with") ? "with" : "node"), $"{where}: {stage.Node} needs with: {{ egress: NAME }} naming {Article(required)} egress of runtime.egress.{required}");
            }

            return;
        }

        var at = WithAt(stage, "egress");
        if (value is not JsonValue v || !v.TryGetValue<string>(out var name))
        {
            _diagnostics.Report(at, $"{where}: with.egress must be the name of an egress");
            return;
        }

        if (!kinds.TryGetValue(name, out var kind))
        {
            _diagnostics.Report(at, $"{where}: with.egress names unknown egress '{name}'{DidYouMean.Suffix(name, kinds.Keys.ToArray())} (declare it under runtime.egress)");
            return;
        }

        if (needs is not null && kind != needs)
        {
            _diagnostics.Report(at, $"{where}: {stage.Node} needs {Article(needs)} egress, but '{name}' is {Article(kind)} egress");
        }

        if (stage.With!["path"] is { } path && (path is not JsonValue pv || !pv.TryGetValue<string>(out var p) || !p.StartsWith('/') || p.Contains('#', StringComparison.Ordinal)))
        {
            _diagnostics.Report(WithAt(stage, "path"), $"{where}: with.path must be a path starting with '/'");
        }

        if (stage.Node == HttpCallNode && stage.With["method"] is { } method
            && (method is not JsonValue mv || !mv.TryGetValue<string>(out var m) || !ConfigSchema.HttpMethods.Contains(m, StringComparer.Ordinal)))
        {
            _diagnostics.Report(WithAt(stage, "method"), $"{where}: with.method must be one of {string.Join(", ", ConfigSchema.HttpMethods)}");
        }
    }

    private static string Article(string kind) => kind == "http" ? "an http" : "a " + kind;

    private void ValidateEgressHeaders(string egress, List<EgressHeaderConfig> headers)
    {
        foreach (var header in headers)
        {
            if (!header.Name.All(c => c > ' ' && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
            {
                _diagnostics.Report(_map.At(header, "name"), $"egress '{egress}': header name '{header.Name}' is not a valid HTTP header name");
            }
            else if (ReservedEgressHeaders.Contains(header.Name.ToLowerInvariant(), StringComparer.Ordinal))
            {
                _diagnostics.Report(_map.At(header, "name"), $"egress '{egress}': header '{header.Name}' is set by the runtime and cannot be configured");
            }

            if (header.Value.Any(c => c is '\r' or '\n' or '\0'))
            {
                _diagnostics.Report(_map.At(header, "value"), $"egress '{egress}': header '{header.Name}' has a line break in its value");
            }
        }
    }
}
