namespace Portway.Adapters.Http;

/// <summary>What authenticating a caller gave: an identity and when its token expires, or why not.</summary>
public sealed record AuthOutcome(CallerIdentity? Identity, DateTimeOffset ExpiresAt, string? Failure)
{
    /// <summary>No token was sent.</summary>
    public static AuthOutcome Missing { get; } = new(null, default, "a bearer token is required (Authorization: Bearer <token>)");

    /// <summary>A token was sent but refused, for <paramref name="reason"/>.</summary>
    public static AuthOutcome Failed(string reason) => new(null, default, reason);
}
