namespace Portway.Configuration;

/// <summary>
/// <c>rate_limit</c> of an endpoint (or GraphQL field): how many requests a key may make. Over it the caller gets
/// <c>429 rate_limited</c> with <c>Retry-After</c>; limits are per host.
/// </summary>
public sealed class RateLimitConfig
{
    /// <summary><c>kind</c>: <c>fixed</c>, <c>sliding</c>, <c>token_bucket</c> or <c>concurrency</c>. Defaults to <c>fixed</c>.</summary>
    public string Kind { get; set; } = "fixed";

    /// <summary><c>permit</c> (required): requests per window (fixed, sliding), bucket size (token_bucket), or requests at once (concurrency).</summary>
    public int Permit { get; set; }

    /// <summary><c>window_s</c>: the window (fixed, sliding) or the refill period (token_bucket). Defaults to 60; not for concurrency.</summary>
    public int WindowS { get; set; } = 60;

    /// <summary><c>segments</c> (sliding only): segments per window. Defaults to 6.</summary>
    public int Segments { get; set; } = 6;

    /// <summary><c>tokens_per_period</c> (token_bucket only): tokens added each <c>window_s</c>. Defaults to <c>permit</c>.</summary>
    public int TokensPerPeriod { get; set; }

    /// <summary><c>by</c>: what a limit is counted per: <c>client</c> (address), <c>subject</c> (token <c>sub</c>) or <c>tenant</c>. Defaults to <c>client</c>.</summary>
    public string By { get; set; } = "client";

    /// <summary>Tokens added per period (token_bucket): <see cref="TokensPerPeriod"/>, else <see cref="Permit"/>.</summary>
    public int EffectiveTokensPerPeriod => TokensPerPeriod > 0 ? TokensPerPeriod : Permit;
}
