using YamlDotNet.Core;

namespace Portway.Internal.Configuration;

/// <summary>
/// Where each bound option came from: object (by reference) and key → the YAML position of its value.
/// The key <c>""</c> is the object itself; list items use <c>key[i]</c>.
/// </summary>
internal sealed class SourceMap
{
    private readonly Dictionary<object, Dictionary<string, Mark>> _marks = new(ReferenceEqualityComparer.Instance);

    public void Record(object owner, string key, Mark mark)
    {
        if (!_marks.TryGetValue(owner, out var byKey))
        {
            byKey = new Dictionary<string, Mark>(StringComparer.Ordinal);
            _marks[owner] = byKey;
        }

        byKey[key] = mark;
    }

    /// <summary>True when <paramref name="key"/> was written in the file for <paramref name="owner"/>.</summary>
    public bool Has(object owner, string key) => _marks.TryGetValue(owner, out var byKey) && byKey.ContainsKey(key);

    /// <summary>The position of <paramref name="key"/>, else of <paramref name="owner"/> itself, else 1:1.</summary>
    public Mark At(object owner, string key = "")
    {
        if (_marks.TryGetValue(owner, out var byKey))
        {
            if (byKey.TryGetValue(key, out var mark)) return mark;
            if (byKey.TryGetValue("", out var self)) return self;
        }

        return Mark.Empty;
    }
}
