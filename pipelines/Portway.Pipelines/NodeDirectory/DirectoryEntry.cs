using System.Text;
using System.Text.Json.Serialization;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// One registered node as stored: identity, what it offers and when it was last heard from. Immutable; a
/// heartbeat stores a copy with a new <see cref="LastSeenTicks"/>. Times are UTC ticks (8 bytes each, no offset).
/// <see cref="PublicKey"/> is the key's DER SubjectPublicKeyInfo (91 bytes for P-256; JSON: base64).
/// In memory the id, the key and the endpoints are one byte array (<see cref="DirectoryEntryPacking"/>: UTF-8 and
/// lengths, no object per string), read back on access; the capabilities are an array shared by every node with
/// the same set (<see cref="CapabilitySets"/>). About 250 bytes per node in the in-memory index, not ~500.
/// </summary>
internal sealed record DirectoryEntry(
    string Id,
    byte[] PublicKey,
    string[] Endpoints,
    string[] Capabilities,
    long RegisteredTicks,
    long LastSeenTicks)
{
    private readonly byte[] _packed = DirectoryEntryPacking.Pack(Id, PublicKey, Endpoints);

    /// <summary>The node's id.</summary>
    public string Id => Encoding.UTF8.GetString(IdUtf8);

    /// <summary>The node's key: DER SubjectPublicKeyInfo (a new array each read).</summary>
    public byte[] PublicKey => DirectoryEntryPacking.Key(_packed);

    /// <summary>The node's endpoints (a new array each read).</summary>
    public string[] Endpoints => DirectoryEntryPacking.Endpoints(_packed);

    /// <summary>The id's UTF-8 bytes, as kept (ordinal order of ids is the order of these bytes: ids are ASCII).</summary>
    [JsonIgnore]
    public ReadOnlySpan<byte> IdUtf8 => DirectoryEntryPacking.Id(_packed);

    /// <summary>True when the entry holds no key (a stored entry read without one).</summary>
    [JsonIgnore]
    public bool HasNoKey => DirectoryEntryPacking.NoKey(_packed);

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

    /// <summary>True when the node's key is <paramref name="der"/> (DER SubjectPublicKeyInfo).</summary>
    public bool HasKey(ReadOnlySpan<byte> der) => DirectoryEntryPacking.SameKey(_packed, der);

    /// <summary>True when <paramref name="id"/> is this entry's id (no string made).</summary>
    public bool HasId(string id) => DirectoryEntryPacking.SameId(IdUtf8, id);
}
