using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes;

/// <summary>Names a node class so discovery finds it and YAML can refer to it (<c>node: NAME</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PortwayNodeAttribute(string name) : Attribute
{
    /// <summary>The node name YAML uses, e.g. <c>sys.echo</c>.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// How instances live: <see cref="ServiceLifetime.Singleton"/> for a stateless node that only needs singletons;
    /// otherwise (the default, <see cref="ServiceLifetime.Scoped"/>) one instance per invocation, in its own DI scope.
    /// </summary>
    public ServiceLifetime Lifetime { get; init; } = ServiceLifetime.Scoped;
}
