namespace Portway.Configuration;

/// <summary>
/// <c>runtime.web.cache_clear</c>: the built-in <c>POST /v1/cache/clear</c>. A token clears its own tenant's cached
/// answers; clearing every tenant's (<c>{"all_tenants": true}</c>) needs <see cref="Scope"/>.
/// </summary>
public sealed class CacheClearConfig
{
    /// <summary><c>enabled</c>. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>path</c>. Defaults to <c>/v1/cache/clear</c>.</summary>
    public string Path { get; set; } = "/v1/cache/clear";

    /// <summary><c>scope</c>: the token scope a clear of every tenant's entries needs. Defaults to <c>cache.admin</c>.</summary>
    public string Scope { get; set; } = "cache.admin";
}
