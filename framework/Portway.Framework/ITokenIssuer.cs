namespace Portway;

/// <summary>
/// Issues short-lived bearer tokens for an identity (used by the <c>auth.token</c> node). The http adapter
/// provides it when <c>runtime.web.auth.jwt</c> has an HS256 key; otherwise <see cref="CanIssue"/> is false.
/// </summary>
public interface ITokenIssuer
{
    /// <summary>True when tokens can be issued (an HS256 key is configured).</summary>
    bool CanIssue { get; }

    /// <summary>A signed token for <paramref name="identity"/> and when it expires.</summary>
    (string Token, DateTimeOffset ExpiresAt) Issue(CallerIdentity identity);
}
