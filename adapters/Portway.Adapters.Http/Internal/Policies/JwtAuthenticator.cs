using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// Bearer tokens for every ingress, on ASP.NET Core's JwtBearer handler (scheme <see cref="Scheme"/>): HTTP requests
/// and WebSocket upgrades authenticate through it; a token that arrives inside a protocol (graphql-transport-ws
/// <c>connection_init</c>) is validated with the same parameters. Also the <see cref="ITokenIssuer"/> of the
/// <c>auth.token</c> node when the key is HS256.
/// </summary>
internal sealed class JwtAuthenticator : ITokenIssuer
{
    public const string Scheme = "portway-jwt";

    private readonly JwtConfig? _jwt;
    private readonly JwtKeys? _keys;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public JwtAuthenticator(PortwayConfig config, TimeProvider time)
    {
        _jwt = config.Runtime.Web.Auth.Jwt;
        _time = time;
        if (_jwt is not null)
        {
            _keys = JwtKeys.Load(_jwt);
            Parameters = new TokenValidationParameters
            {
                ValidIssuer = _jwt.Issuer,
                ValidAudience = _jwt.Audience,
                IssuerSigningKeys = _keys.Keys,
                ValidAlgorithms = _keys.Algorithms,
                ClockSkew = TimeSpan.FromSeconds(_jwt.ClockSkewSeconds),
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                NameClaimType = "sub",
            };
        }
    }

    public bool Enabled => _jwt is not null;

    public TokenValidationParameters Parameters { get; } = new();

    public bool CanIssue => _keys?.Signing is not null;

    /// <summary>Authenticates an HTTP request (or WebSocket upgrade) through the JwtBearer handler.</summary>
    public async Task<AuthOutcome> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme).ConfigureAwait(false);
        if (result.None) return AuthOutcome.Missing;
        if (!result.Succeeded) return AuthOutcome.Failed(Reason(result.Failure));
        var expires = result.Properties?.ExpiresUtc ?? ExpiresOf(result.Principal);
        return ToOutcome(result.Principal.Identity as ClaimsIdentity, expires);
    }

    /// <summary>Validates a token given inside a protocol message, with the same parameters as the handler.</summary>
    public async Task<AuthOutcome> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token)) return AuthOutcome.Missing;
        var result = await _handler.ValidateTokenAsync(token, Parameters).ConfigureAwait(false);
        if (!result.IsValid) return AuthOutcome.Failed(Reason(result.Exception));
        return ToOutcome(result.ClaimsIdentity, result.SecurityToken?.ValidTo is { } to && to != DateTime.MinValue ? new DateTimeOffset(to, TimeSpan.Zero) : null);
    }

    /// <summary>True when a token that expired at <paramref name="expiresAt"/> is past it now (with the clock skew).</summary>
    public bool IsExpired(DateTimeOffset expiresAt) =>
        expiresAt != default && _time.GetUtcNow() > expiresAt + Parameters.ClockSkew;

    public (string Token, DateTimeOffset ExpiresAt) Issue(CallerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (_jwt is null || _keys?.Signing is null) throw new InvalidOperationException("no HS256 key configured in runtime.web.auth.jwt");
        var now = _time.GetUtcNow();
        var expires = now.AddSeconds(_jwt.TokenLifetimeS);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = identity.Subject };
        if (identity.Tenant.Length > 0) claims[_jwt.TenantClaim] = identity.Tenant;
        if (identity.Scopes.Count > 0) claims[_jwt.ScopeClaim] = string.Join(' ', identity.Scopes);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _jwt.Issuer,
            Audience = _jwt.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _keys.Signing,
        });
        return (token, expires);
    }

    /// <summary>Sets up the JwtBearer handler with this authenticator's parameters; a browser's WebSocket sends the token as <c>access_token</c>.</summary>
    public void Configure(JwtBearerOptions options)
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = Parameters;
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (string.IsNullOrEmpty(context.Request.Headers.Authorization)
                    && IsUpgrade(context.HttpContext)
                    && context.Request.Query.TryGetValue("access_token", out var token))
                {
                    context.Token = token.ToString();
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>A WebSocket upgrade (HTTP/1.1 <c>Upgrade: websocket</c>, or HTTP/2 extended CONNECT).</summary>
    private static bool IsUpgrade(HttpContext context) =>
        context.WebSockets.IsWebSocketRequest
        || context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
        || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.Protocol == "websocket";

    private AuthOutcome ToOutcome(ClaimsIdentity? identity, DateTimeOffset? expires)
    {
        var subject = identity?.FindFirst("sub")?.Value;
        if (identity is null || string.IsNullOrEmpty(subject)) return AuthOutcome.Failed("the token has no 'sub' claim");
        var scopes = identity.FindAll(_jwt!.ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var caller = new CallerIdentity { Subject = subject, Tenant = identity.FindFirst(_jwt.TenantClaim)?.Value ?? "", Scopes = scopes };
        return new AuthOutcome(caller, expires ?? default, null);
    }

    private static DateTimeOffset? ExpiresOf(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;

    /// <summary>A short reason for the client; IdentityModel's own messages stay in the (debug) log.</summary>
    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet (nbf)",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
        SecurityTokenInvalidAlgorithmException => "the token's algorithm is not accepted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        SecurityTokenNoExpirationException => "the token has no expiry (exp)",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        _ => "the token is not valid",
    };
}
