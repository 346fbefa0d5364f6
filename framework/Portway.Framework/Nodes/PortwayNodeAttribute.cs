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

    /// <summary>
    /// The kind of egress (<c>http</c> or <c>websocket</c>) the stage's <c>with: { egress: NAME }</c> must name when it
    /// sets one; the config loader reports another kind at its line and column. Defaults to null (no rule).
    /// </summary>
    public string? Egress { get; init; }

    /// <summary>
    /// The keys of the stage's <c>with</c> that, when set, must name another pipeline of the config (which the node
    /// invokes); the config loader reports an unknown name at its line and column. Defaults to none.
    /// </summary>
    public string[]? WithPipelines { get; init; }
}
