namespace Portway.Configuration;

/// <summary>
/// An operation of a websocket endpoint written as a mapping (<c>operations: { NAME: { pipeline, auth, scopes,
/// tenant, rate_limit } }</c>): its own boundary policy. A key left out takes the endpoint's value (filled in by
/// normalization); the rate limit of an operation, its own or the endpoint's, is counted per operation.
/// </summary>
public sealed class WebSocketOperationConfig
{
    /// <summary><c>pipeline</c> (required): the pipeline that answers the operation.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>auth</c>: <c>required</c> or <c>none</c>; empty means the endpoint's (filled in by normalization).</summary>
    public string Auth { get; set; } = "";

    /// <summary><c>scopes</c>: scopes the token must all carry; null means the endpoint's (filled in by normalization).</summary>
    public List<string>? Scopes { get; set; }

    /// <summary><c>tenant</c>: <c>from_token</c> binds the payload's <c>tenant</c> to the token's; null means the endpoint's (filled in by normalization).</summary>
    public string? Tenant { get; set; }

    /// <summary><c>rate_limit</c>: null means the endpoint's (filled in by normalization), counted for this operation alone.</summary>
    public RateLimitConfig? RateLimit { get; set; }
}
