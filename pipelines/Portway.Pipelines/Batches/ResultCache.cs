using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>Computed results by content hash, at most <c>capacity</c>, the oldest out first. Not thread-safe: used under the processor's lock.</summary>
internal sealed class ResultCache(int capacity)
{
    private readonly Dictionary<string, JsonElement> _results = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count => _results.Count;

    public bool TryGet(string hash, out JsonElement result) => _results.TryGetValue(hash, out result);

    public void Add(string hash, JsonElement result)
    {
        if (!_results.TryAdd(hash, result))
        {
            return;
        }

        _order.Enqueue(hash);
        while (_results.Count > capacity)
        {
            _results.Remove(_order.Dequeue());
        }
    }
}
