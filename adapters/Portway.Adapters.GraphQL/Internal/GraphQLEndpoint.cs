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

    /// <summary>
    /// <c>max_depth</c> and <c>max_complexity</c>, checked in validation, before any field runs. Introspection fields
    /// cost nothing (the standard introspection query would otherwise be priced in the hundreds of thousands), but
    /// count for depth.
    /// </summary>
    public ComplexityValidationRule Limits { get; } = new(LimitsOf(config));

    private static ComplexityOptions LimitsOf(InterfaceConfig config)
    {
        var options = new ComplexityOptions { MaxDepth = config.MaxDepth, MaxComplexity = config.MaxComplexity };
        var standard = options.DefaultComplexityImpactDelegate;
        options.DefaultComplexityImpactDelegate = context =>
            context.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal) || context.ParentType.Name.StartsWith("__", StringComparison.Ordinal)
                ? new FieldComplexityResult(0, 1)
                : standard(context);
        return options;
    }
}
