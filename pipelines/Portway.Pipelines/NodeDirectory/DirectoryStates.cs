namespace Portway.Pipelines.NodeDirectory;

/// <summary>The wire names of <see cref="DirectoryNodeState"/>.</summary>
internal static class DirectoryStates
{
    /// <summary>The states discovery may return, by wire name.</summary>
    public static readonly string[] Discoverable = ["active", "pending", "retry_48h", "retry_2w", "retry_2m"];

    /// <summary>The wire name: <c>active</c>, <c>pending</c>, <c>retry_48h</c>, <c>retry_2w</c>, <c>retry_2m</c>, <c>coma</c>, <c>dead</c>.</summary>
    public static string Name(DirectoryNodeState state) => state switch
    {
        DirectoryNodeState.Active => "active",
        DirectoryNodeState.Pending => "pending",
        DirectoryNodeState.Retry48h => "retry_48h",
        DirectoryNodeState.Retry2w => "retry_2w",
        DirectoryNodeState.Retry2m => "retry_2m",
        DirectoryNodeState.Coma => "coma",
        _ => "dead",
    };

    /// <summary>True when discovery shows nodes in <paramref name="state"/> (not coma, not dead).</summary>
    public static bool IsDiscoverable(DirectoryNodeState state) => state < DirectoryNodeState.Coma;

    /// <summary>Parses a discoverable state's wire name.</summary>
    public static bool TryParseDiscoverable(string name, out DirectoryNodeState state)
    {
        var index = Array.IndexOf(Discoverable, name);
        state = (DirectoryNodeState)Math.Max(index, 0);
        return index >= 0;
    }
}
