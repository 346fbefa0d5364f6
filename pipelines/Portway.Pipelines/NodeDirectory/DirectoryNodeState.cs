namespace Portway.Pipelines.NodeDirectory;

/// <summary>Where a registered node is in its lifecycle (<see cref="DirectoryLifecycle"/>), in timeline order.</summary>
internal enum DirectoryNodeState
{
    /// <summary>Heartbeats arrive in time (<c>active</c>).</summary>
    Active,

    /// <summary>A heartbeat was missed: the 48 h grace runs (<c>pending</c>).</summary>
    Pending,

    /// <summary>The grace ran out: the 48 h retry fell due (<c>retry_48h</c>).</summary>
    Retry48h,

    /// <summary>The 2-week retry fell due (<c>retry_2w</c>).</summary>
    Retry2w,

    /// <summary>The 2-month retry fell due (<c>retry_2m</c>).</summary>
    Retry2m,

    /// <summary>Every retry failed: kept, hidden from discovery, for up to 2 years (<c>coma</c>).</summary>
    Coma,

    /// <summary>The coma ran out: the node is removed (<c>dead</c>; never answered, the node is gone).</summary>
    Dead,
}
