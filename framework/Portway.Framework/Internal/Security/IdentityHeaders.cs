namespace Portway.Internal.Security;

/// <summary>
/// The caller's identity (<see cref="Envelope.Identity"/>) as headers of each stage hop, so it is covered by the
/// envelope signature and crosses every transport the headers cross (tcp_local, Redis). The router writes them
/// from the request's identity (never from client input); a stage executor in another process reads them back
/// into <c>NodeContext.Identity</c>.
/// </summary>
internal static class IdentityHeaders
{
    public const string Subject = "identity.sub";
    public const string Tenant = "identity.tenant";
    public const string Scopes = "identity.scopes";

    public static void Apply(Envelope envelope, CallerIdentity identity)
    {
        if (!identity.IsAuthenticated) return;
        envelope.Headers[Subject] = identity.Subject;
        envelope.Headers[Tenant] = identity.Tenant;
        envelope.Headers[Scopes] = string.Join(' ', identity.Scopes);
    }

    public static CallerIdentity Read(Envelope envelope)
    {
        if (envelope.HeaderCount == 0 || !envelope.Headers.TryGetValue(Subject, out var subject) || subject.Length == 0)
        {
            return CallerIdentity.Anonymous;
        }

        var scopes = envelope.Headers.GetValueOrDefault(Scopes) ?? "";
        return new CallerIdentity
        {
            Subject = subject,
            Tenant = envelope.Headers.GetValueOrDefault(Tenant) ?? "",
            Scopes = scopes.Length == 0 ? [] : scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        };
    }
}
