using GraphQL.Types;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>A parsed GraphQL type reference from the config: <c>T</c>, <c>T!</c>, <c>[T]</c>, nested.</summary>
internal sealed class TypeShape
{
    private TypeShape(TypeShapeKind kind, string name, TypeShape? of)
    {
        Kind = kind;
        Name = name;
        Of = of;
    }

    public TypeShapeKind Kind { get; }

    /// <summary>The named type (for <see cref="TypeShapeKind.Named"/>).</summary>
    public string Name { get; }

    /// <summary>The wrapped type (for lists and non-null).</summary>
    public TypeShape? Of { get; }

    /// <summary>Parses a reference the config validator has accepted.</summary>
    public static TypeShape Parse(string typeRef)
    {
        ArgumentNullException.ThrowIfNull(typeRef);
        var text = typeRef.Replace(" ", "", StringComparison.Ordinal);
        if (text.EndsWith('!'))
        {
            return new TypeShape(TypeShapeKind.NonNull, "", Parse(text[..^1]));
        }

        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            return new TypeShape(TypeShapeKind.List, "", Parse(text[1..^1]));
        }

        return new TypeShape(TypeShapeKind.Named, text, null);
    }

    /// <summary>The graphql-dotnet type: wrappers around a reference that schema initialization resolves.</summary>
    public IGraphType ToGraphType() => Kind switch
    {
        TypeShapeKind.NonNull => new NonNullGraphType(Of!.ToGraphType()),
        TypeShapeKind.List => new ListGraphType(Of!.ToGraphType()),
        _ => new GraphQLTypeReference(Name),
    };

    public override string ToString() => Kind switch
    {
        TypeShapeKind.NonNull => Of + "!",
        TypeShapeKind.List => "[" + Of + "]",
        _ => Name,
    };
}
