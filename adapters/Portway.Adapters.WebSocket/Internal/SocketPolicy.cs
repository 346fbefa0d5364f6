using System.Threading.RateLimiting;
using Portway.Adapters.Http;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// The boundary policies of one socket: the identity its upgrade authenticated (and when that token expires),
/// checked again for each message against the policy of the message's operation (its auth, scopes, tenant binding
/// and rate limit, counted per operation), and the socket's own message rate. A token that expires while the socket
/// is open refuses the socket's new requests that need one with 401 (those that need none run as an anonymous caller:
/// no node sees an identity whose token is no longer valid); every refusal is that message's alone.
/// </summary>
internal sealed class SocketPolicy(IPortwayBoundaryPolicies policies, EndpointAccess access, CallerIdentity identity, DateTimeOffset expiresAt, string client, RateLimiter? messageRate) : IDisposable
{
    public static SocketPolicy Open { get; } = new(null!, null!, CallerIdentity.Anonymous, default, "", null);

    /// <summary>The caller as nodes see it: anonymous once the socket's token has expired.</summary>
    public CallerIdentity Identity => identity.IsAuthenticated && policies is not null && policies.IsExpired(expiresAt) ? CallerIdentity.Anonymous : identity;

    /// <summary>Admits one message of operation <paramref name="op"/> (empty: none) naming <paramref name="tenant"/> (empty when it names none).</summary>
    public Admission Admit(string op, string tenant)
    {
        if (policies is null) return default;
        var policy = access.Of(op);
        if (policy.AuthRequired && policies.IsExpired(expiresAt))
        {
            policies.CountRejection("auth");
            return Admission.Refused(new PortwayError(ErrorCode.Unauthorized, "the socket's token has expired; reconnect with a new one"));
        }

        if (policy.AuthRequired && !identity.IsAuthenticated)
        {
            policies.CountRejection("auth");
            return Admission.Refused(new PortwayError(ErrorCode.Unauthorized,
                $"{policy.Name} needs a bearer token: open the socket with Authorization: Bearer <token> (or ?access_token=<token>)"));
        }

        if (messageRate is not null)
        {
            using var lease = messageRate.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                var retry = Admission.RetryAfterSecondsOf(lease);
                policies.CountRejection("message_rate");
                return Admission.Refused(new PortwayError(ErrorCode.RateLimited, $"this socket's message rate is reached; retry after {retry} s"), retry);
            }
        }

        return policies.Check(policy, Identity, tenant, client);
    }

    public void Dispose() => messageRate?.Dispose();
}
