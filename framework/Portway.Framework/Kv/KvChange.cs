namespace Portway.Kv;

/// <summary>One event of a watch (<see cref="IKvStore.WatchAsync"/>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Kind">Current value, a write, or a deletion.</param>
/// <param name="Value">The value (empty for a deletion).</param>
/// <param name="Version">The version of the write (for a deletion: the version the key had, when known, else 0).</param>
public sealed record KvChange(string Key, KvChangeKind Kind, ReadOnlyMemory<byte> Value, long Version);
