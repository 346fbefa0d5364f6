using Portway.Configuration;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigBinder
{
    private void BindEgress(YamlNode node, EgressConfig egress)
    {
        var reader = Reader(AsMapping(node, "egress"), node.Start, "runtime.egress", ConfigSchema.Egress, egress);
        if (reader.Sequence("http") is { } http)
        {
            foreach (var item in http.Children) egress.Http.Add(BindHttpEgress(item));
        }

        if (reader.Sequence("websocket") is { } websocket)
        {
            foreach (var item in websocket.Children) egress.WebSocket.Add(BindWebSocketEgress(item));
        }
    }

    private HttpEgressConfig BindHttpEgress(YamlNode node)
    {
        var http = new HttpEgressConfig();
        var reader = Reader(AsMapping(node, "an http egress"), node.Start, "http egress", ConfigSchema.HttpEgress, http);
        reader.String("name", v => http.Name = v, required: true);
        reader.String("base_url", v =>
        {
            if (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0)
            {
                http.BaseUrl = v;
            }
            else
            {
                reader.TryGet("base_url", out var at);
                _diagnostics.Report(at.Start, $"base_url: expected an http:// or https:// URL without query or fragment, got '{v}'");
            }
        }, required: true);
        reader.Int("timeout_ms", v => http.TimeoutMs = v, min: 10, max: 600_000);
        reader.Int("total_timeout_ms", v => http.TotalTimeoutMs = v, min: 10, max: 3_600_000);
        reader.Int("max_response_bytes", v => http.MaxResponseBytes = v, min: 1, max: 64 * 1024 * 1024);
        BindEgressHeaders(reader, http.Headers);
        if (reader.TryGet("retry", out var retryNode))
        {
            var retry = Reader(AsMapping(retryNode, "retry"), retryNode.Start, "retry", ConfigSchema.EgressRetry, http.Retry);
            retry.Int("max_retries", v => http.Retry.MaxRetries = v, min: 0, max: 10);
            retry.Int("base_delay_ms", v => http.Retry.BaseDelayMs = v, min: 1, max: 60_000);
            retry.Int("max_delay_ms", v => http.Retry.MaxDelayMs = v, min: 1, max: 600_000);
            retry.Bool("jitter", v => http.Retry.Jitter = v);
        }

        if (reader.TryGet("breaker", out var breakerNode))
        {
            var breaker = Reader(AsMapping(breakerNode, "breaker"), breakerNode.Start, "breaker", ConfigSchema.EgressBreaker, http.Breaker);
            breaker.Double("failure_ratio", v => http.Breaker.FailureRatio = v, min: 0.01, max: 1);
            breaker.Int("min_throughput", v => http.Breaker.MinThroughput = v, min: 2, max: 10_000);
            breaker.Int("sampling_ms", v => http.Breaker.SamplingMs = v, min: 500, max: 3_600_000);
            breaker.Int("break_ms", v => http.Breaker.BreakMs = v, min: 500, max: 3_600_000);
        }

        return http;
    }

    private WebSocketEgressConfig BindWebSocketEgress(YamlNode node)
    {
        var ws = new WebSocketEgressConfig();
        var reader = Reader(AsMapping(node, "a websocket egress"), node.Start, "websocket egress", ConfigSchema.WebSocketEgress, ws);
        reader.String("name", v => ws.Name = v, required: true);
        reader.String("url", v =>
        {
            if (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss" && uri.Fragment.Length == 0)
            {
                ws.Url = v;
            }
            else
            {
                reader.TryGet("url", out var at);
                _diagnostics.Report(at.Start, $"url: expected a ws:// or wss:// URL, got '{v}'");
            }
        }, required: true);
        reader.Int("connect_timeout_ms", v => ws.ConnectTimeoutMs = v, min: 10, max: 600_000);
        reader.Int("send_queue_limit", v => ws.SendQueueLimit = v, min: 1, max: 100_000);
        BindEgressHeaders(reader, ws.Headers);
        if (reader.TryGet("reconnect", out var reconnectNode))
        {
            var reconnect = Reader(AsMapping(reconnectNode, "reconnect"), reconnectNode.Start, "reconnect", ConfigSchema.EgressReconnect, ws.Reconnect);
            reconnect.Int("base_delay_ms", v => ws.Reconnect.BaseDelayMs = v, min: 1, max: 60_000);
            reconnect.Int("max_delay_ms", v => ws.Reconnect.MaxDelayMs = v, min: 1, max: 600_000);
            reconnect.Bool("jitter", v => ws.Reconnect.Jitter = v);
        }

        return ws;
    }

    /// <summary><c>headers: { NAME: value | { env: VAR } | { file: PATH } }</c>.</summary>
    private void BindEgressHeaders(MappingReader reader, List<EgressHeaderConfig> headers)
    {
        if (reader.Mapping("headers") is not { } mapping) return;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                _diagnostics.Report(keyNode.Start, "headers: a header name must be a non-empty string");
                continue;
            }

            var header = new EgressHeaderConfig { Name = name };
            _map.Record(header, "", keyNode.Start);
            _map.Record(header, "name", keyNode.Start);
            if (valueNode is YamlScalarNode scalar && !YamlScalars.IsNull(scalar))
            {
                header.Value = scalar.Value ?? "";
                _map.Record(header, "value", valueNode.Start);
            }
            else if (valueNode is YamlMappingNode)
            {
                var secret = Reader(AsMapping(valueNode, $"header '{name}'"), valueNode.Start, $"header '{name}'", ConfigSchema.EgressSecret, header);
                secret.String("env", v => header.Env = v);
                secret.String("file", v => header.File = v);
                if ((header.Env.Length > 0) == (header.File.Length > 0))
                {
                    _diagnostics.Report(valueNode.Start, $"header '{name}': expected exactly one of env or file");
                }
            }
            else
            {
                _diagnostics.Report(valueNode.Start, $"header '{name}': expected a value, {{ env: NAME }} or {{ file: PATH }}, got {MappingReader.Describe(valueNode)}");
                continue;
            }

            headers.Add(header);
        }
    }
}
