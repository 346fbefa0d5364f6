namespace Portway.Kv;

/// <summary>What a watch covers: a list of keys, or every key under a prefix.</summary>
public sealed class KvSelector
{
    private KvSelector(IReadOnlyList<string> keys, string? prefix)
    {
        Keys = keys;
        Prefix = prefix;
    }

    /// <summary>The keys watched (empty for a prefix watch), ordinal-sorted, distinct.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The prefix watched, or null for a key list.</summary>
    public string? Prefix { get; }

    /// <summary>Watches the keys named (at least one).</summary>
    public static KvSelector ForKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (list.Length == 0) throw new ArgumentException("a key watch names at least one key", nameof(keys));
        foreach (var key in list) KvKeys.Require(key);
        return new KvSelector(list, null);
    }

    /// <summary>Watches the keys named (at least one).</summary>
    public static KvSelector ForKeys(params string[] keys) => ForKeys((IEnumerable<string>)keys);

    /// <summary>Watches every key that starts with <paramref name="prefix"/> (<c>""</c>: every key).</summary>
    public static KvSelector ForPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > KvKeys.MaxLength) throw new ArgumentException($"a prefix is at most {KvKeys.MaxLength} characters", nameof(prefix));
        return new KvSelector([], prefix);
    }

    /// <summary>True when <paramref name="key"/> is covered.</summary>
    public bool Matches(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Prefix is not null) return key.StartsWith(Prefix, StringComparison.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            if (string.Equals(Keys[i], key, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Prefix is not null ? $"prefix '{Prefix}'" : $"keys {string.Join(", ", Keys)}";
}
