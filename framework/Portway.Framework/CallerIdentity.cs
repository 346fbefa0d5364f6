namespace Portway;

/// <summary>
/// Who is calling: set by an ingress from its authentication (e.g. a validated bearer token), carried on the
/// request envelope (signed with it across process and Redis hops) and handed to nodes through
/// <c>NodeContext.Identity</c>. No protocol type: a node sees only these values.
/// </summary>
public sealed record CallerIdentity
{
    /// <summary>The caller nobody authenticated (no auth configured, or <c>auth: none</c>).</summary>
    public static CallerIdentity Anonymous { get; } = new();

    /// <summary>The authenticated subject (a token's <c>sub</c>); empty when anonymous.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The tenant the credentials belong to (a token's tenant claim); empty when none.</summary>
    public string Tenant { get; init; } = "";

    /// <summary>The scopes / roles the credentials grant.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>True when someone was authenticated.</summary>
    public bool IsAuthenticated => Subject.Length > 0;
}
