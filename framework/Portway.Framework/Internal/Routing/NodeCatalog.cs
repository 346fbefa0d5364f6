using Microsoft.Extensions.DependencyInjection;
using Portway.Nodes;

namespace Portway.Internal.Routing;

/// <summary>
/// The nodes of this process, by YAML name: request/response nodes (<see cref="INode"/>) and stream nodes
/// (<see cref="IStreamNode"/>). Singleton nodes (the built-in <c>sys.*</c>) are created once, lazily; the others
/// per invocation in a DI scope (see <see cref="NodeRegistration"/>).
/// </summary>
internal sealed class NodeCatalog
{
    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kvStreamNodes = new(StringComparer.Ordinal);

    public NodeCatalog(IServiceProvider services, IEnumerable<NodeRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registrations);
        Scopes = services.GetRequiredService<IServiceScopeFactory>();
        foreach (var registration in registrations)
        {
            var type = registration.NodeType;
            var isNode = typeof(INode).IsAssignableFrom(type);
            var isStream = typeof(IStreamNode).IsAssignableFrom(type);
            if (isNode == isStream)
            {
                throw new InvalidOperationException($"node '{registration.Name}' ({type}) must implement exactly one of INode and IStreamNode");
            }

            if (_nodes.TryGetValue(registration.Name, out var existing))
            {
                if (existing.Registration.NodeType == type)
                {
                    continue; // the same class registered twice (two discovery calls over one assembly): one node
                }

                throw new InvalidOperationException($"node '{registration.Name}' is registered twice: {existing.Registration.NodeType} and {type}");
            }

            _nodes.Add(registration.Name, new NodeEntry(registration, services, isStream));
            if (isStream && typeof(global::Portway.Kv.IKvStreamNode).IsAssignableFrom(type))
            {
                _kvStreamNodes.Add(registration.Name);
            }
        }
    }

    /// <summary>Where per-invocation scopes come from.</summary>
    public IServiceScopeFactory Scopes { get; }

    public IEnumerable<string> Names => _nodes.Keys;

    /// <summary>True when <paramref name="name"/> is a registered stream node.</summary>
    public bool IsStream(string name) => _nodes.TryGetValue(name, out var entry) && entry.IsStream;

    /// <summary>Any node named <paramref name="name"/>.</summary>
    public bool TryGetAny(string name, out NodeEntry entry) => _nodes.TryGetValue(name, out entry!);

    /// <summary>True when <paramref name="name"/> is a registered kv stream node (<see cref="global::Portway.Kv.IKvStreamNode"/>).</summary>
    public bool IsKvStream(string name) => _kvStreamNodes.Contains(name);

    /// <summary>The request/response node named <paramref name="name"/>; false for an unknown or a stream node.</summary>
    public bool TryGet(string name, out NodeEntry entry) => _nodes.TryGetValue(name, out entry!) && !entry.IsStream;

    /// <summary>The stream node named <paramref name="name"/>; false for an unknown or a request/response node.</summary>
    public bool TryGetStream(string name, out NodeEntry entry) => _nodes.TryGetValue(name, out entry!) && entry.IsStream;
}
