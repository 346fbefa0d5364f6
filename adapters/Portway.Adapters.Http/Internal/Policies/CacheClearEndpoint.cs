using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// <c>POST runtime.web.cache_clear.path</c> (a valid bearer token required): <c>{}</c> drops every cached answer,
/// <c>{"pipeline":"NAME"}</c> those of one pipeline. Mapped when an endpoint has <c>cache</c> and <c>jwt</c> is set.
/// </summary>
internal sealed class CacheClearEndpoint(BoundaryPolicies policies, ResponseCache cache, PortwayConfig config)
{
    private readonly AccessPolicy _policy = new("POST " + config.Runtime.Web.CacheClear.Path, AuthRequired: true, [], TenantFromToken: false, RateLimit: null);

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var correlation = RequestCorrelation.From(context.Request);
        correlation.Apply(context.Response);
        var admission = await policies.AdmitAsync(context, _policy, "").ConfigureAwait(false);
        if (admission.Error is { } refused)
        {
            await HttpErrorWriter.WriteAsync(context.Response, refused, correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        string? pipeline = null;
        if (JsonBody.HasBody(context.Request))
        {
            var body = await JsonBody.ReadAsync(context.Request.BodyReader, 4096, context.RequestAborted).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(body ?? []);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("pipeline", out var p))
                {
                    pipeline = p.ValueKind == JsonValueKind.String ? p.GetString() : "";
                }
            }
            catch (JsonException)
            {
                pipeline = "";
            }
        }

        if (pipeline is not null && !config.Pipelines.ContainsKey(pipeline))
        {
            await HttpErrorWriter.WriteAsync(context.Response, new PortwayError(ErrorCode.ValidationFailed,
                "send {} to clear everything or {\"pipeline\":\"NAME\"} naming a pipeline of the config"), correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        try
        {
            await cache.ClearAsync(pipeline, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PortwayException ex)
        {
            // A shared store (Redis) that cannot be reached: the clear did not happen, and the caller is told so.
            await HttpErrorWriter.WriteAsync(context.Response, ex.Error, correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["cleared"] = pipeline ?? "all" }), context.RequestAborted).ConfigureAwait(false);
    }
}
