using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Portway.Bench.Baseline;

/// <summary>
/// The baseline of <c>sys.echo/h1-jwt-rate</c>: ASP.NET Core's JwtBearer authentication, authorization and rate limiter
/// on one route, as an application would set them up, with the HS256 secret of <c>PORTWAY_BENCH_JWT_SECRET</c> (the one
/// Portway's bench.yaml reads). The middleware runs only for that route, so the other rows keep their plain baseline.
/// </summary>
internal static class BenchJwt
{
    public const string Route = "/v1/echo-jwt";
    public const string RatePolicy = "bench-fixed-by-client";
    private const string SecretVariable = "PORTWAY_BENCH_JWT_SECRET";

    /// <summary>Registers the services; false (nothing registered, the route not mapped) without the secret.</summary>
    public static bool AddTo(IServiceCollection services)
    {
        var secret = Environment.GetEnvironmentVariable(SecretVariable);
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "portway-bench",
                ValidAudience = "portway-bench",
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorization();
        // Portway's limit: kind fixed, permit 1,000,000 per 1 s window, by client address (never reached by the load).
        services.AddRateLimiter(o => o.AddPolicy(RatePolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 1_000_000, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 })));
        return true;
    }

    /// <summary>
    /// Authentication, authorization and the rate limiter for <see cref="Route"/> only. The keys mark the two middleware
    /// as placed (what UseAuthentication / UseAuthorization set), so WebApplication does not add them for every route.
    /// </summary>
    public static void Use(WebApplication app)
    {
        var builder = (IApplicationBuilder)app;
        builder.Properties["__AuthenticationMiddlewareSet"] = true;
        builder.Properties["__AuthorizationMiddlewareSet"] = true;
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Route), branch =>
        {
            branch.UseAuthentication();
            branch.UseAuthorization();
            branch.UseRateLimiter();
        });
    }
}
