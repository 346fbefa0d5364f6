namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>What authenticating a caller gave: an identity and when its token expires, or why not.</summary>
internal sealed record AuthOutcome(CallerIdentity? Identity, DateTimeOffset ExpiresAt, string? Failure)
{
    public static AuthOutcome Missing { get; } = new(null, default, "a bearer token is required (Authorization: Bearer <token>)");

    public static AuthOutcome Failed(string reason) => new(null, default, reason);
}
