namespace Portway.Internal.Security;

/// <summary>
/// The caller's identity as envelope headers, so it is covered by the envelope signature and crosses every
/// transport the headers cross. An ingress sets them (never from client input); the router copies them onto
/// each stage hop; the stage executor hands them to the node as <c>NodeContext.Identity</c>.
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

    public static void Copy(Envelope from, Envelope to)
    {
        if (from.HeaderCount == 0 || !from.Headers.TryGetValue(Subject, out var subject)) return;
        to.Headers[Subject] = subject;
        to.Headers[Tenant] = from.Headers.GetValueOrDefault(Tenant) ?? "";
        to.Headers[Scopes] = from.Headers.GetValueOrDefault(Scopes) ?? "";
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
