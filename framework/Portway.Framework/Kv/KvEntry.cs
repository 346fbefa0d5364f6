namespace Portway.Kv;

/// <summary>A stored key: its value and the version of the write that put it there.</summary>
public sealed record KvEntry(string Key, ReadOnlyMemory<byte> Value, long Version);
