using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// <c>POST runtime.web.cache_clear.path</c> (a valid bearer token required), scoped to the token's tenant:
/// <c>{}</c> drops that tenant's cached answers, <c>{"pipeline":"NAME"}</c> those of one pipeline for that tenant.
/// <c>{"all_tenants": true}</c> (with or without <c>pipeline</c>) drops every tenant's, and the entries of callers without
/// a tenant, and needs the token scope <c>runtime.web.cache_clear.scope</c>; a token without a tenant can only do that.
/// Mapped when an endpoint has <c>cache</c> and <c>jwt</c> is set.
/// </summary>
internal sealed class CacheClearEndpoint(BoundaryPolicies policies, ResponseCache cache, PortwayConfig config)
{
    private const string Usage = "send {} (your tenant's cached answers), {\"pipeline\":\"NAME\"} (one pipeline's, NAME a pipeline of the config), and \"all_tenants\": true to clear every tenant's";
    private readonly AccessPolicy _policy = new("POST " + config.Runtime.Web.CacheClear.Path, AuthRequired: true, [], TenantFromToken: false, RateLimit: null);
    private readonly string _scope = config.Runtime.Web.CacheClear.Scope;

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

        var (request, invalid) = await ReadAsync(context).ConfigureAwait(false);
        var error = invalid is not null ? new PortwayError(ErrorCode.ValidationFailed, invalid + "; " + Usage) : Refusal(context, admission.Identity, request.AllTenants);
        if (error is not null)
        {
            await HttpErrorWriter.WriteAsync(context.Response, error, correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        var tenant = request.AllTenants ? null : admission.Identity.Tenant;
        try
        {
            await cache.ClearAsync(request.Pipeline, tenant, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PortwayException ex)
        {
            // A shared store (Redis) that cannot be reached: the clear did not happen, and the caller is told so.
            await HttpErrorWriter.WriteAsync(context.Response, ex.Error, correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        var answer = tenant is null
            ? JsonSerializer.Serialize(new Dictionary<string, object> { ["cleared"] = request.Pipeline ?? "all", ["all_tenants"] = true })
            : JsonSerializer.Serialize(new Dictionary<string, object> { ["cleared"] = request.Pipeline ?? "all", ["tenant"] = tenant });
        await context.Response.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The 403 of a clear the token may not do (counted), or null.</summary>
    private PortwayError? Refusal(HttpContext context, CallerIdentity identity, bool allTenants)
    {
        if (allTenants && !identity.Scopes.Contains(_scope, StringComparer.Ordinal))
        {
            policies.CountRejection("scope");
            context.Response.Headers.WWWAuthenticate = new AuthenticationHeaderValue("Bearer", $"error=\"insufficient_scope\", scope=\"{_scope}\"").ToString();
            return new PortwayError(ErrorCode.Forbidden, $"clearing every tenant's cached answers (\"all_tenants\": true) needs the scope '{_scope}', which the token lacks; without it send {{}} to clear your own tenant's");
        }

        if (!allTenants && identity.Tenant.Length == 0)
        {
            policies.CountRejection("tenant");
            return new PortwayError(ErrorCode.Forbidden,
                $"the token has no tenant claim, so there is no tenant's cache to clear; a token without a tenant can only clear every tenant's (\"all_tenants\": true, with the scope '{_scope}')");
        }

        return null;
    }

    /// <summary>The body: <c>pipeline</c> (a pipeline of the config) and <c>all_tenants</c> (a bool), nothing else; or why it is not.</summary>
    private async Task<((string? Pipeline, bool AllTenants) Request, string? Invalid)> ReadAsync(HttpContext context)
    {
        if (!JsonBody.HasBody(context.Request)) return (default, null);
        var body = await JsonBody.ReadAsync(context.Request.BodyReader, 4096, context.RequestAborted).ConfigureAwait(false);
        if (body is null) return (default, "the body is over 4096 bytes");
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (default, "the body is not a JSON object");
            (string? Pipeline, bool AllTenants) request = default;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "pipeline" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { } name && config.Pipelines.ContainsKey(name):
                        request.Pipeline = name;
                        break;
                    case "pipeline":
                        return (default, $"\"pipeline\": {property.Value.GetRawText()} is not a pipeline of the config");
                    case "all_tenants" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        request.AllTenants = property.Value.GetBoolean();
                        break;
                    case "all_tenants":
                        return (default, "\"all_tenants\" must be true or false");
                    default:
                        return (default, $"unknown key \"{property.Name}\"");
                }
            }

            return (request, null);
        }
        catch (JsonException)
        {
            return (default, "the body is not JSON");
        }
    }
}
