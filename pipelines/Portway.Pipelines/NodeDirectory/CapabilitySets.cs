namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Shares one array per distinct capability set (sorted, distinct names), so nodes that offer the same capabilities
/// hold one array between them, not one each (32 bytes or more per node). Bounded: past <see cref="Limit"/> sets, new
/// ones are not shared.
/// </summary>
internal sealed class CapabilitySets
{
    /// <summary>The most distinct sets kept.</summary>
    public const int Limit = 4096;

    private readonly Dictionary<string, string[]> _sets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The shared array equal to <paramref name="capabilities"/> (sorted and distinct), or it.</summary>
    public string[] Share(string[] capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        if (capabilities.Length == 0)
        {
            return [];
        }

        var key = string.Join('\n', capabilities);
        lock (_lock)
        {
            if (_sets.TryGetValue(key, out var shared))
            {
                return shared;
            }

            if (_sets.Count < Limit)
            {
                _sets.Add(key, capabilities);
            }

            return capabilities;
        }
    }
}
