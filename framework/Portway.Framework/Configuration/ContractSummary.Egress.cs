using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Portway.Configuration;

public static partial class ContractSummary
{
    /// <summary>The <c>egress</c> block, only when the config declares one (secrets show where they come from, never a value).</summary>
    private static void RenderEgress(StringBuilder w, EgressConfig egress)
    {
        if (egress.Http.Count == 0 && egress.WebSocket.Count == 0) return;
        Line(w, 0, "");
        Line(w, 0, "egress");
        foreach (var http in egress.Http)
        {
            Line(w, 1, string.Create(CultureInfo.InvariantCulture,
                $"http {http.Name} -> {http.BaseUrl} timeout_ms={http.TimeoutMs} total_timeout_ms={http.TotalTimeoutMs} max_response_bytes={http.MaxResponseBytes}"));
            Line(w, 2, string.Create(CultureInfo.InvariantCulture,
                $"retry max_retries={http.Retry.MaxRetries} base_delay_ms={http.Retry.BaseDelayMs} max_delay_ms={http.Retry.MaxDelayMs} jitter={(http.Retry.Jitter ? "on" : "off")}"));
            Line(w, 2, string.Create(CultureInfo.InvariantCulture,
                $"breaker failure_ratio={http.Breaker.FailureRatio} min_throughput={http.Breaker.MinThroughput} sampling_ms={http.Breaker.SamplingMs} break_ms={http.Breaker.BreakMs}"));
            if (http.Headers.Count > 0) Line(w, 2, "headers " + string.Join(", ", http.Headers.Select(HeaderText)));
        }

        foreach (var ws in egress.WebSocket)
        {
            Line(w, 1, string.Create(CultureInfo.InvariantCulture,
                $"websocket {ws.Name} -> {ws.Url} connect_timeout_ms={ws.ConnectTimeoutMs} send_queue_limit={ws.SendQueueLimit}"));
            Line(w, 2, string.Create(CultureInfo.InvariantCulture,
                $"reconnect base_delay_ms={ws.Reconnect.BaseDelayMs} max_delay_ms={ws.Reconnect.MaxDelayMs} jitter={(ws.Reconnect.Jitter ? "on" : "off")}"));
            if (ws.Headers.Count > 0) Line(w, 2, "headers " + string.Join(", ", ws.Headers.Select(HeaderText)));
        }
    }

    private static JsonObject? EgressJson(EgressConfig egress) => egress.Http.Count == 0 && egress.WebSocket.Count == 0 ? null : new JsonObject
    {
        ["http"] = new JsonArray([.. egress.Http.Select(h => (JsonNode)new JsonObject
        {
            ["name"] = h.Name,
            ["base_url"] = h.BaseUrl,
            ["timeout_ms"] = h.TimeoutMs,
            ["total_timeout_ms"] = h.TotalTimeoutMs,
            ["max_response_bytes"] = h.MaxResponseBytes,
            ["headers"] = HeadersJson(h.Headers),
            ["retry"] = new JsonObject { ["max_retries"] = h.Retry.MaxRetries, ["base_delay_ms"] = h.Retry.BaseDelayMs, ["max_delay_ms"] = h.Retry.MaxDelayMs, ["jitter"] = h.Retry.Jitter },
            ["breaker"] = new JsonObject { ["failure_ratio"] = h.Breaker.FailureRatio, ["min_throughput"] = h.Breaker.MinThroughput, ["sampling_ms"] = h.Breaker.SamplingMs, ["break_ms"] = h.Breaker.BreakMs },
        })]),
        ["websocket"] = new JsonArray([.. egress.WebSocket.Select(ws => (JsonNode)new JsonObject
        {
            ["name"] = ws.Name,
            ["url"] = ws.Url,
            ["connect_timeout_ms"] = ws.ConnectTimeoutMs,
            ["send_queue_limit"] = ws.SendQueueLimit,
            ["headers"] = HeadersJson(ws.Headers),
            ["reconnect"] = new JsonObject { ["base_delay_ms"] = ws.Reconnect.BaseDelayMs, ["max_delay_ms"] = ws.Reconnect.MaxDelayMs, ["jitter"] = ws.Reconnect.Jitter },
        })]),
    };

    private static string HeaderText(EgressHeaderConfig h) =>
        h.Env.Length > 0 ? $"{h.Name} (env {h.Env})" : h.File.Length > 0 ? $"{h.Name} (file {h.File})" : $"{h.Name} (literal)";

    private static JsonObject HeadersJson(List<EgressHeaderConfig> headers)
    {
        var json = new JsonObject();
        foreach (var h in headers)
        {
            json[h.Name] = h.Env.Length > 0 ? $"env:{h.Env}" : h.File.Length > 0 ? $"file:{h.File}" : "literal";
        }

        return json;
    }
}
