using GraphQL.Types;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>One <c>kind: graphql</c> interface: its config, the schema built from it at startup, its depth and complexity limits.</summary>
internal sealed class GraphQLEndpoint(InterfaceConfig config, ISchema schema)
{
    public InterfaceConfig Config { get; } = config;

    public ISchema Schema { get; } = schema;

    public string Path => Config.Path;

    private int _connections;

    /// <summary>Takes one of the interface's <c>max_connections</c> WebSocket slots; false when all are taken.</summary>
    public bool TryOpenConnection()
    {
        if (Interlocked.Increment(ref _connections) <= Config.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _connections);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryOpenConnection"/>.</summary>
    public void CloseConnection() => Interlocked.Decrement(ref _connections);

    /// <summary>
    /// What one introspection field costs against <c>max_complexity</c>, its children not multiplied (graphql-dotnet's
    /// default would price the standard introspection query in the hundreds of thousands; free introspection let
    /// 1,000 aliased <c>__schema</c> through). The standard GraphiQL query has 2,000 to 2,800 introspection fields
    /// expanded, so it costs about 400 to 560, under the default 1000.
    /// </summary>
    public const double IntrospectionFieldImpact = 0.2;

    /// <summary>
    /// <c>max_depth</c> and <c>max_complexity</c>, checked in validation, before any field runs; introspection fields
    /// count for both (<see cref="IntrospectionFieldImpact"/> each).
    /// </summary>
    public ComplexityValidationRule Limits { get; } = new(LimitsOf(config));

    private static ComplexityOptions LimitsOf(InterfaceConfig config)
    {
        var options = new ComplexityOptions { MaxDepth = config.MaxDepth, MaxComplexity = config.MaxComplexity };
        var standard = options.DefaultComplexityImpactDelegate;
        options.DefaultComplexityImpactDelegate = context =>
            context.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal) || context.ParentType.Name.StartsWith("__", StringComparison.Ordinal)
                ? new FieldComplexityResult(IntrospectionFieldImpact, 1)
                : standard(context);
        return options;
    }
}
