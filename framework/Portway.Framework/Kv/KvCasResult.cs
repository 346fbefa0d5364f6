namespace Portway.Kv;

/// <summary>The answer of <see cref="IKvStore.CompareAndSetAsync"/>.</summary>
/// <param name="Succeeded">True when the value was written.</param>
/// <param name="Version">The new version when written; else the key's current version (<c>0</c>: it does not exist).</param>
public readonly record struct KvCasResult(bool Succeeded, long Version);
