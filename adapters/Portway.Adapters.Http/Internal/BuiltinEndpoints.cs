using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http.Internal;

/// <summary><c>GET /health</c> and <c>GET /stats</c>, at the paths the config gives.</summary>
internal sealed class BuiltinEndpoints(IPortwayStatus status)
{
    public Task HealthAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var draining = status.IsDraining;
        context.Response.StatusCode = draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return WriteJsonAsync(context, w => w.WriteString("status", draining ? "draining" : "ok"));
    }

    public Task StatsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshot = status.RequestsByOutcome();
        return WriteJsonAsync(context, w =>
        {
            w.WriteNumber("pending_waiters", status.PendingCalls);
            w.WriteBoolean("draining", status.IsDraining);
            w.WriteStartObject("config");
            w.WriteNumber("version", status.ConfigVersion);
            w.WriteString("loaded_at", status.ConfigLoadedAt);
            w.WriteEndObject();
            w.WriteStartObject("requests");
            foreach (var (outcome, count) in snapshot)
            {
                w.WriteNumber(outcome, count);
            }

            w.WriteEndObject();
            w.WriteStartObject("tcp_local");
            foreach (var (what, count) in status.BoundaryRefusals())
            {
                w.WriteNumber(what, count);
            }

            w.WriteEndObject();
        });
    }

    private static Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
