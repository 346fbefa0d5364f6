using Microsoft.Extensions.DependencyInjection;
using Portway.Nodes;

namespace Portway.Internal.Routing;

/// <summary>The node instances of this process, by YAML name. Each node is created once, lazily, from DI.</summary>
internal sealed class NodeCatalog
{
    private readonly Dictionary<string, Lazy<INode>> _nodes = new(StringComparer.Ordinal);

    public NodeCatalog(IServiceProvider services, IEnumerable<NodeRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            var type = registration.NodeType;
            if (!_nodes.TryAdd(registration.Name, new Lazy<INode>(() => (INode)ActivatorUtilities.GetServiceOrCreateInstance(services, type))))
            {
                throw new InvalidOperationException($"node '{registration.Name}' is registered twice");
            }
        }
    }

    public IEnumerable<string> Names => _nodes.Keys;

    public bool TryGet(string name, out INode node)
    {
        if (_nodes.TryGetValue(name, out var lazy))
        {
            node = lazy.Value;
            return true;
        }

        node = null!;
        return false;
    }
}
