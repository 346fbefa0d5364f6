namespace Portway.Kv;

/// <summary>What a <see cref="KvChange"/> says about its key.</summary>
public enum KvChangeKind
{
    /// <summary>The key's value when the watch started.</summary>
    Current,

    /// <summary>The key was written.</summary>
    Set,

    /// <summary>The key was deleted or expired.</summary>
    Deleted,
}
