namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The timeline of a node that stops sending heartbeats, measured from its last heartbeat. Every interval is
/// half-open: at a boundary the node is already in the next state.
/// </summary>
/// <remarks>
/// <code>
/// last heartbeat ── HeartbeatTimeout ──► missed (M)
/// [0, M)                 active
/// [M, M+48h)             pending     (the grace)
/// [M+48h, M+2w)          retry_48h   (the 48 h retry fell due)
/// [M+2w, M+2m)           retry_2w    (the 2-week retry fell due)
/// [M+2m, M+2m+48h)       retry_2m    (the 2-month retry fell due; it gets the same 48 h grace)
/// [M+2m+48h, … +2 years) coma        (kept, hidden from discovery)
/// after that             dead        (removed)
/// </code>
/// A heartbeat at any point before dead makes the node active again, identity and data intact. Two weeks are
/// 14 days, two months 60 days, two years 730 days.
/// </remarks>
internal sealed record DirectoryLifecycle
{
    /// <summary>The default timeline.</summary>
    public static readonly DirectoryLifecycle Default = new();

    /// <summary>How long after a heartbeat the next one counts as missed. Defaults to 10 minutes.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The grace after a missed heartbeat, and after the last retry. Defaults to 48 hours.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromHours(48);

    /// <summary>When the second retry falls due, after the miss. Defaults to 14 days.</summary>
    public TimeSpan SecondRetry { get; init; } = TimeSpan.FromDays(14);

    /// <summary>When the third retry falls due, after the miss. Defaults to 60 days.</summary>
    public TimeSpan ThirdRetry { get; init; } = TimeSpan.FromDays(60);

    /// <summary>How long the coma lasts. Defaults to 730 days.</summary>
    public TimeSpan Coma { get; init; } = TimeSpan.FromDays(730);

    /// <summary>When each state after active begins, counted from the last heartbeat, in <see cref="DirectoryNodeState"/> order.</summary>
    public TimeSpan StartOf(DirectoryNodeState state) => state switch
    {
        DirectoryNodeState.Active => TimeSpan.Zero,
        DirectoryNodeState.Pending => HeartbeatTimeout,
        DirectoryNodeState.Retry48h => HeartbeatTimeout + Grace,
        DirectoryNodeState.Retry2w => HeartbeatTimeout + SecondRetry,
        DirectoryNodeState.Retry2m => HeartbeatTimeout + ThirdRetry,
        DirectoryNodeState.Coma => HeartbeatTimeout + ThirdRetry + Grace,
        _ => HeartbeatTimeout + ThirdRetry + Grace + Coma,
    };

    /// <summary>The state at <paramref name="now"/> of a node last heard from at <paramref name="lastSeen"/>.</summary>
    public DirectoryNodeState StateAt(DateTimeOffset lastSeen, DateTimeOffset now)
    {
        var silent = now - lastSeen;
        for (var state = DirectoryNodeState.Dead; state > DirectoryNodeState.Active; state--)
        {
            if (silent >= StartOf(state))
            {
                return state;
            }
        }

        return DirectoryNodeState.Active;
    }
}
