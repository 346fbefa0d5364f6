namespace Portway.Policies;

/// <summary>What a <see cref="IRateLimitStore"/> decided: a permit, or none and the time until one frees up.</summary>
/// <param name="Acquired">True when a permit was taken.</param>
/// <param name="RetryAfter">When refused: the time until a permit frees up (<c>Retry-After</c>).</param>
public readonly record struct RateLimitDecision(bool Acquired, TimeSpan RetryAfter)
{
    /// <summary>A permit was taken.</summary>
    public static RateLimitDecision Granted { get; } = new(true, TimeSpan.Zero);
}
