using System.Text.Json.Serialization;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// One registered node as stored: identity, what it offers and when it was last heard from. Immutable; a
/// heartbeat stores a copy with a new <see cref="LastSeenTicks"/>. Times are UTC ticks (8 bytes each, no offset).
/// </summary>
internal sealed record DirectoryEntry(
    string Id,
    string PublicKey,
    string[] Endpoints,
    string[] Capabilities,
    long RegisteredTicks,
    long LastSeenTicks)
{
    /// <summary>When the node first registered.</summary>
    public DateTimeOffset RegisteredAt => new(RegisteredTicks, TimeSpan.Zero);

    /// <summary>The node's last register or heartbeat.</summary>
    public DateTimeOffset LastSeen => new(LastSeenTicks, TimeSpan.Zero);

    /// <summary>
    /// The last retry (<see cref="DirectoryNodeState"/> number) the directory attempted since <see cref="LastSeenTicks"/>
    /// (0: none): each retry state is attempted once. A heartbeat resets it.
    /// </summary>
    public byte Retried { get; init; }

    /// <summary>The kv version this entry was read at or written with (0 in memory); not stored.</summary>
    [JsonIgnore]
    public long Version { get; init; }
}
