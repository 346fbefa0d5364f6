using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// The response cache of http endpoints with <c>cache: { ttl_s }</c>, on ASP.NET Core's output cache store
/// (<see cref="IOutputCacheStore"/>: in memory, or the shared store of <c>policy_store: redis</c>). The key covers the route, the tenant (the request's and the
/// token's), the subject (unless <c>shared</c>) and the input with its JSON keys sorted (route values are part of it), so equal requests share an
/// entry whatever their key order or spacing. Only successful answers are stored. Entries carry the time they were
/// stored (from the <see cref="TimeProvider"/>), which gives <c>Age</c> and the expiry. Every entry is tagged
/// <c>portway</c> and <c>pipeline:NAME</c>, and, when the caller's token has a tenant (the entry's owner),
/// <c>tenant:T</c> and <c>pipeline:NAME|tenant:T</c>: a tenant's clear drops only its own entries, in either store
/// (pipeline names have no <c>|</c>, so the tags never collide). Entries of callers without a tenant (anonymous
/// endpoints, tokens without a tenant claim) belong to no tenant: only a clear of every tenant drops them.
/// </summary>
internal sealed class ResponseCache(IOutputCacheStore store, TimeProvider time, PolicyStats stats)
{
    public const string AllTag = "portway";

    public static string PipelineTag(string pipeline) => "pipeline:" + pipeline;

    public static string TenantTag(string tenant) => "tenant:" + tenant;

    public static string PipelineTenantTag(string pipeline, string tenant) => string.Concat("pipeline:", pipeline, "|tenant:", tenant);

    /// <summary>The tag a clear drops: every tenant's (<paramref name="tenant"/> null) or one tenant's entries, of every pipeline or of one.</summary>
    public static string ClearTag(string? pipeline, string? tenant) =>
        tenant is null ? (pipeline is null ? AllTag : PipelineTag(pipeline))
        : pipeline is null ? TenantTag(tenant) : PipelineTenantTag(pipeline, tenant);

    public static string Key(EndpointConfig endpoint, CallerIdentity identity, string tenant, ReadOnlyMemory<byte> input)
    {
        var subject = endpoint.Cache!.Shared ? "" : identity.Subject;
        var digest = SHA256.HashData(Normalize(input));
        // The token's tenant as well as the request's: a shared entry of an endpoint without a tenant binding is still
        // per tenant, so one tenant's answer (a node may read NodeContext.Identity.Tenant) never reaches another.
        return string.Create(CultureInfo.InvariantCulture, $"portway|{endpoint.Route}|{tenant}|{identity.Tenant}|{subject}|{Convert.ToHexString(digest)}");
    }

    /// <summary>Serves a stored answer (with <c>Age</c> and <c>Cache-Control</c>) when there is a fresh one.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, EndpointConfig endpoint, string key)
    {
        var entry = await store.GetAsync(key, context.RequestAborted).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcTicks;
        if (entry is not { Length: >= 8 } || now - BinaryPrimitives.ReadInt64LittleEndian(entry) >= TimeSpan.FromSeconds(endpoint.Cache!.TtlS).Ticks)
        {
            stats.CacheMiss();
            return false;
        }

        stats.CacheHit();
        var age = (int)TimeSpan.FromTicks(now - BinaryPrimitives.ReadInt64LittleEndian(entry)).TotalSeconds;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = CacheControl(endpoint);
        response.ContentLength = entry.Length - 8;
        try
        {
            await response.Body.WriteAsync(entry.AsMemory(8), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return true;
    }

    /// <summary>Stores a successful answer (owned by <paramref name="owner"/>, the token's tenant, empty for none) and sets its <c>Cache-Control</c> (and <c>Age: 0</c>).</summary>
    public ValueTask StoreAsync(HttpContext context, EndpointConfig endpoint, string key, string owner, ReadOnlyMemory<byte> answer)
    {
        var entry = new byte[answer.Length + 8];
        BinaryPrimitives.WriteInt64LittleEndian(entry, time.GetUtcNow().UtcTicks);
        answer.Span.CopyTo(entry.AsSpan(8));
        context.Response.Headers.CacheControl = CacheControl(endpoint);
        context.Response.Headers.Age = "0";
        string[] tags = owner.Length == 0
            ? [AllTag, PipelineTag(endpoint.Pipeline)]
            : [AllTag, PipelineTag(endpoint.Pipeline), TenantTag(owner), PipelineTenantTag(endpoint.Pipeline, owner)];
        return store.SetAsync(key, entry, tags, TimeSpan.FromSeconds(endpoint.Cache!.TtlS), CancellationToken.None);
    }

    /// <summary>Drops the entries of one tenant (<paramref name="tenant"/>) or of every tenant (null), of every pipeline or of one.</summary>
    public ValueTask ClearAsync(string? pipeline, string? tenant, CancellationToken cancellationToken) =>
        store.EvictByTagAsync(ClearTag(pipeline, tenant), cancellationToken);

    private static string CacheControl(EndpointConfig endpoint) =>
        $"{(endpoint.Cache!.Shared ? "public" : "private")}, max-age={endpoint.Cache.TtlS.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The input as compact JSON with every object's keys sorted; bytes that are not JSON as they are.</summary>
    private static byte[] Normalize(ReadOnlyMemory<byte> input)
    {
        try
        {
            var node = JsonNode.Parse(input.Span);
            return node is null ? [] : Encoding.UTF8.GetBytes(Sorted(node)!.ToJsonString());
        }
        catch (JsonException)
        {
            return input.ToArray();
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };
}
