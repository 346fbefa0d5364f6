using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes;

/// <summary>
/// One node of the catalog: the YAML name, the class, and how instances live. <see cref="ServiceLifetime.Singleton"/>
/// nodes are created once; any other lifetime (the default, <see cref="ServiceLifetime.Scoped"/>) resolves the node
/// per invocation in a DI scope of its own, disposed when the invocation ends (a stream: when it ends), so a node may
/// depend on scoped services such as a <c>DbContext</c>.
/// </summary>
public sealed record NodeRegistration(string Name, Type NodeType, ServiceLifetime Lifetime = ServiceLifetime.Scoped)
{
    /// <summary>The kind of egress the stage's <c>with.egress</c> must name, or null (<see cref="PortwayNodeAttribute.Egress"/>).</summary>
    public string? Egress { get; init; }

    /// <summary>The <c>with</c> keys that name another pipeline (<see cref="PortwayNodeAttribute.WithPipelines"/>).</summary>
    public IReadOnlyList<string> WithPipelines { get; init; } = [];

    /// <summary>The <c>with</c> keys read as integer or boolean settings (<see cref="PortwayNodeSettingAttribute"/>).</summary>
    public IReadOnlyList<PortwayNodeSettingAttribute> Settings { get; init; } = [];
}
