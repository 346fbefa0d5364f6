namespace Portway.Configuration;

/// <summary>A field of <c>query</c>, <c>mutation</c> or <c>subscription</c> on a graphql interface.</summary>
public sealed class GraphQLFieldConfig
{
    /// <summary><c>pipeline</c> (required).</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>args</c>: argument name → type reference (<c>Int!</c>, <c>String</c>, <c>[Float!]</c>...). Defaults to none.</summary>
    public Dictionary<string, string> Args { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>returns</c> (required): the result type reference.</summary>
    public string Returns { get; set; } = "";
}
