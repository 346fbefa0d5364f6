using Microsoft.Extensions.DependencyInjection;
using Portway.Nodes;

namespace Portway.Internal.Routing;

/// <summary>
/// The node instances of this process, by YAML name: request/response nodes (<see cref="INode"/>) and stream
/// nodes (<see cref="IStreamNode"/>). Each node is created once, lazily, from DI.
/// </summary>
internal sealed class NodeCatalog
{
    private readonly Dictionary<string, Lazy<object>> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _streamNodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kvStreamNodes = new(StringComparer.Ordinal);

    public NodeCatalog(IServiceProvider services, IEnumerable<NodeRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            var type = registration.NodeType;
            var isNode = typeof(INode).IsAssignableFrom(type);
            var isStream = typeof(IStreamNode).IsAssignableFrom(type);
            if (isNode == isStream)
            {
                throw new InvalidOperationException($"node '{registration.Name}' ({type}) must implement exactly one of INode and IStreamNode");
            }

            if (!_nodes.TryAdd(registration.Name, new Lazy<object>(() => ActivatorUtilities.GetServiceOrCreateInstance(services, type))))
            {
                throw new InvalidOperationException($"node '{registration.Name}' is registered twice");
            }

            if (isStream)
            {
                _streamNodes.Add(registration.Name);
                if (typeof(global::Portway.Kv.IKvStreamNode).IsAssignableFrom(type)) _kvStreamNodes.Add(registration.Name);
            }
        }
    }

    public IEnumerable<string> Names => _nodes.Keys;

    /// <summary>True when <paramref name="name"/> is a registered stream node.</summary>
    public bool IsStream(string name) => _streamNodes.Contains(name);

    /// <summary>True when <paramref name="name"/> is a registered kv stream node (<see cref="global::Portway.Kv.IKvStreamNode"/>).</summary>
    public bool IsKvStream(string name) => _kvStreamNodes.Contains(name);

    /// <summary>The request/response node named <paramref name="name"/>; false for an unknown or a stream node.</summary>
    public bool TryGet(string name, out INode node)
    {
        node = null!;
        if (_streamNodes.Contains(name) || !_nodes.TryGetValue(name, out var lazy))
        {
            return false;
        }

        node = (INode)lazy.Value;
        return true;
    }

    /// <summary>The stream node named <paramref name="name"/>; false for an unknown or a request/response node.</summary>
    public bool TryGetStream(string name, out IStreamNode node)
    {
        node = null!;
        if (!_streamNodes.Contains(name) || !_nodes.TryGetValue(name, out var lazy))
        {
            return false;
        }

        node = (IStreamNode)lazy.Value;
        return true;
    }
}
