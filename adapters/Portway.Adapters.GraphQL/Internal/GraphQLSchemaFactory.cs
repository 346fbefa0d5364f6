using System.Text.Json;
using GraphQL;
using GraphQL.Conversion;
using GraphQL.Resolvers;
using GraphQL.Types;
using Portway.Adapters.Http;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Builds a graphql interface's schema from its config at startup: the declared object types, a Query / Mutation
/// root whose fields all resolve through <see cref="PipelineFieldResolver"/>, and a Subscription root whose fields
/// all stream through <see cref="PipelineStreamResolver"/>. Names are kept as written (no camel-casing). There is no
/// per-field code: a field is config only. A query or mutation on a stream pipeline, or a subscription on a
/// request/response one, stops startup.
/// </summary>
internal sealed class GraphQLSchemaFactory(IPortwayInvoker invoker)
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

        CheckPipelineKinds(iface);
        schema.Query = Root("Query", iface.Query, iface);
        if (iface.Mutation.Count > 0)
        {
            schema.Mutation = Root("Mutation", iface.Mutation, iface);
        }

        if (iface.Subscription.Count > 0)
        {
            schema.Subscription = SubscriptionRoot(iface);
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
                Resolver = PipelineFieldResolver.For(fieldName, field, iface, invoker),
            });
        }

        return root;
    }

    private ObjectGraphType SubscriptionRoot(InterfaceConfig iface)
    {
        var root = new ObjectGraphType { Name = "Subscription" };
        var itemTimeout = TimeSpan.FromMilliseconds(iface.TimeoutMs);
        foreach (var (fieldName, field) in iface.Subscription)
        {
            var shape = TypeShape.Parse(field.Returns);
            root.AddField(new FieldType
            {
                Name = fieldName,
                Description = $"stream pipeline {field.Pipeline}",
                ResolvedType = shape.ToGraphType(),
                Arguments = Arguments(field),
                StreamResolver = new PipelineStreamResolver(field.Pipeline, itemTimeout, invoker, AccessPolicy.For(fieldName, field)),
                Resolver = new FuncFieldResolver<object?>(context => context.Source is JsonElement item ? JsonOutput.Map(item, shape) : null),
            });
        }

        return root;
    }

    private void CheckPipelineKinds(InterfaceConfig iface)
    {
        var problems = new List<string>();
        foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation) })
        {
            foreach (var (name, field) in fields.Where(f => invoker.GetPipelineKind(f.Value.Pipeline) is PipelineKind.Stream or PipelineKind.KvStream))
            {
                problems.Add($"{operation} field '{name}' names the stream pipeline '{field.Pipeline}'; declare it under subscription");
            }
        }

        foreach (var (name, field) in iface.Subscription.Where(f => invoker.GetPipelineKind(f.Value.Pipeline) is not (PipelineKind.Stream or PipelineKind.KvStream)))
        {
            problems.Add($"subscription field '{name}' names '{field.Pipeline}', which is not a stream pipeline (its sink must be a stream node)");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"graphql interface {iface.Path}:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    private static QueryArguments Arguments(GraphQLFieldConfig field) =>
        new(field.Args.Select(a => new QueryArgument(TypeShape.Parse(a.Value).ToGraphType()) { Name = a.Key }));
}
