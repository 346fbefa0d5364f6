using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Observability;

namespace Portway.Adapters.Http.Internal;

/// <summary><c>GET /health</c> (liveness), <c>GET /ready</c> (readiness) and <c>GET /stats</c>, at the paths the config gives.</summary>
internal sealed class BuiltinEndpoints(IPortwayStatus status, PortwayStats stats, PortwayReadiness readiness,
    PortwayConfig config, IEnumerable<NodeRegistration> nodes, IPortwayInvoker invoker, PolicyStats policies)
{
    private byte[]? _openApi;

    private static readonly TimeSpan ReadyCheckTimeout = TimeSpan.FromSeconds(5);

    public Task HealthAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var draining = status.IsDraining;
        context.Response.StatusCode = draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", draining ? "draining" : "ok");
            w.WriteEndObject();
        });
    }

    /// <summary>200 <c>{"status":"ready"}</c>, or 503 <c>{"status":"not_ready","reasons":[...]}</c> naming each unmet check.</summary>
    public async Task ReadyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(ReadyCheckTimeout);
        var reasons = await readiness.NotReadyReasonsAsync(timeout.Token).ConfigureAwait(false);
        context.Response.StatusCode = reasons.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", reasons.Count == 0 ? "ready" : "not_ready");
            if (reasons.Count > 0)
            {
                w.WriteStartArray("reasons");
                foreach (var reason in reasons) w.WriteStringValue(reason);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public Task StatsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteJsonAsync(context, w => stats.WriteJson(w, WritePolicies));
    }

    /// <summary>The adapter's part of <c>/stats</c>: the config version, rejections by policy, response cache hits and misses.</summary>
    internal void WritePolicies(Utf8JsonWriter w)
    {
        w.WriteStartObject("config");
        w.WriteNumber("version", status.ConfigVersion);
        w.WriteString("loaded_at", status.ConfigLoadedAt);
        w.WriteEndObject();
        w.WriteStartObject("rejections");
        foreach (var policy in PolicyStats.Policies)
        {
            w.WriteNumber(policy, policies.Rejections(policy));
        }

        w.WriteEndObject();
        w.WriteStartObject("cache");
        w.WriteNumber("hits", policies.CacheHits);
        w.WriteNumber("misses", policies.CacheMisses);
        w.WriteEndObject();
    }

    /// <summary>The OpenAPI 3.1 document of the config's http endpoints (built once: the config does not change under it).</summary>
    public Task OpenApiAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var document = _openApi ??= JsonSerializer.SerializeToUtf8Bytes(OpenApiDocumentBuilder.Build(config, nodes, invoker.GetPipelineKind), OpenApiJson);
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(document).AsTask();
    }

    private static readonly JsonSerializerOptions OpenApiJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // application/json read by people with curl too: "process group 'cpu'", not "\u0027cpu\u0027" (quotes and
    // backslashes are still escaped, as JSON requires).
    private static readonly JsonWriterOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ReadableJson))
        {
            write(writer);
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
