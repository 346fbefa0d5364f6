namespace Portway.Configuration;

/// <summary>A field of <c>query</c>, <c>mutation</c> or <c>subscription</c> on a graphql interface.</summary>
public sealed class GraphQLFieldConfig
{
    /// <summary><c>pipeline</c> (required).</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>args</c>: argument name → type reference (<c>Int!</c>, <c>String</c>, <c>[Float!]</c>...). Defaults to none.</summary>
    public Dictionary<string, string> Args { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>returns</c> (required): the result type reference.</summary>
    public string Returns { get; set; } = "";

    /// <summary><c>auth</c>: <c>required</c> or <c>none</c>; empty means the interface's (filled in by normalization).</summary>
    public string Auth { get; set; } = "";

    /// <summary><c>scopes</c>: scopes the token must all carry. Defaults to none.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary><c>tenant</c>: <c>from_token</c> binds the field's <c>tenant</c> argument to the token's tenant claim.</summary>
    public string Tenant { get; set; } = "";

    /// <summary><c>rate_limit</c>: null when not set.</summary>
    public RateLimitConfig? RateLimit { get; set; }
}
