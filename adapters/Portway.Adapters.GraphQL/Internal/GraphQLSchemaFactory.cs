using GraphQL;
using GraphQL.Conversion;
using GraphQL.Resolvers;
using GraphQL.Types;
using Portway.Configuration;
using Portway.Internal.Correlation;
using Portway.Internal.Routing;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Builds a graphql interface's schema from its config at startup: the declared object types, and a Query /
/// Mutation root whose fields all resolve through <see cref="PipelineFieldResolver"/>. Names are kept as
/// written (no camel-casing). There is no per-field code: a field is config only.
/// </summary>
internal sealed class GraphQLSchemaFactory(WaiterRegistry waiters, RequestDispatcher dispatcher)
{
    public Schema Build(InterfaceConfig iface)
    {
        ArgumentNullException.ThrowIfNull(iface);
        var schema = new Schema { NameConverter = DefaultNameConverter.Instance };
        foreach (var (typeName, fields) in iface.Types)
        {
            var type = new ObjectGraphType { Name = typeName };
            foreach (var (fieldName, typeRef) in fields)
            {
                var shape = TypeShape.Parse(typeRef);
                var name = fieldName;
                type.AddField(new FieldType
                {
                    Name = fieldName,
                    ResolvedType = shape.ToGraphType(),
                    Resolver = new FuncFieldResolver<object?>(context => JsonOutput.Map(JsonOutput.Property(context.Source, name), shape)),
                });
            }

            schema.RegisterType(type);
        }

        schema.Query = Root("Query", iface.Query, iface);
        if (iface.Mutation.Count > 0)
        {
            schema.Mutation = Root("Mutation", iface.Mutation, iface);
        }

        schema.Initialize();
        return schema;
    }

    private ObjectGraphType Root(string name, Dictionary<string, GraphQLFieldConfig> fields, InterfaceConfig iface)
    {
        var root = new ObjectGraphType { Name = name };
        foreach (var (fieldName, field) in fields)
        {
            root.AddField(new FieldType
            {
                Name = fieldName,
                Description = $"pipeline {field.Pipeline}",
                ResolvedType = TypeShape.Parse(field.Returns).ToGraphType(),
                Arguments = Arguments(field),
                Resolver = PipelineFieldResolver.For(field, iface, waiters, dispatcher),
            });
        }

        return root;
    }

    private static QueryArguments Arguments(GraphQLFieldConfig field) =>
        new(field.Args.Select(a => new QueryArgument(TypeShape.Parse(a.Value).ToGraphType()) { Name = a.Key }));
}
