namespace Portway.Adapters.GraphQL.Internal;

/// <summary>The three forms of a GraphQL type reference.</summary>
internal enum TypeShapeKind
{
    Named,
    List,
    NonNull,
}
