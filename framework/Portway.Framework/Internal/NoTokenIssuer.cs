namespace Portway.Internal;

/// <summary>The <see cref="ITokenIssuer"/> when no adapter provides one: issues nothing.</summary>
internal sealed class NoTokenIssuer : ITokenIssuer
{
    public bool CanIssue => false;

    public (string Token, DateTimeOffset ExpiresAt) Issue(CallerIdentity identity) =>
        throw new InvalidOperationException("no token issuer: runtime.web.auth.jwt has no HS256 key");
}
