using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes;

/// <summary>Finds node classes marked with <see cref="PortwayNodeAttribute"/>.</summary>
public static class NodeDiscovery
{
    /// <summary>The built-in <c>sys.*</c> nodes (stateless: singletons).</summary>
    public static IReadOnlyList<NodeRegistration> BuiltIn { get; } =
        FromAssembly(typeof(NodeDiscovery).Assembly).Select(r => r with { Lifetime = ServiceLifetime.Singleton }).ToArray();

    /// <summary>Every concrete <see cref="INode"/> or <see cref="IStreamNode"/> in <paramref name="assembly"/> that carries the attribute, sorted by name.</summary>
    public static IReadOnlyList<NodeRegistration> FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && (typeof(INode).IsAssignableFrom(t) || typeof(IStreamNode).IsAssignableFrom(t)))
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<PortwayNodeAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new NodeRegistration(x.Attribute!.Name, x.Type, x.Attribute.Lifetime) { Egress = x.Attribute.Egress, WithPipelines = x.Attribute.WithPipelines ?? [], Settings = x.Type.GetCustomAttributes<PortwayNodeSettingAttribute>().ToArray() })
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToArray();
    }
}
