namespace Portway.Configuration;

/// <summary><c>runtime.web.auth</c>: how callers are authenticated at the ingress boundary.</summary>
public sealed class AuthConfig
{
    /// <summary><c>jwt</c>: bearer tokens (JWT); null when not set (then no endpoint may say <c>auth: required</c>).</summary>
    public JwtConfig? Jwt { get; set; }
}
