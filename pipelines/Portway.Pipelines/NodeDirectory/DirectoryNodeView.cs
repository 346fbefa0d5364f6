namespace Portway.Pipelines.NodeDirectory;

/// <summary>A node as the directory answers it: identity, endpoints, capabilities, its state and times.</summary>
internal sealed record DirectoryNodeView(
    string Id,
    string PublicKey,
    string[] Endpoints,
    string[] Capabilities,
    string State,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeen,
    bool? Created = null)
{
    /// <summary>The view of <paramref name="entry"/> in <paramref name="state"/>.</summary>
    public static DirectoryNodeView Of(DirectoryEntry entry, DirectoryNodeState state, bool? created = null) =>
        new(entry.Id, entry.PublicKeyBase64, entry.Endpoints, entry.Capabilities, DirectoryStates.Name(state), entry.RegisteredAt, entry.LastSeen, created);
}
