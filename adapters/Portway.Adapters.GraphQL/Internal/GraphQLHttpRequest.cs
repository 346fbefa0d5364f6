using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>A GraphQL-over-HTTP request's parameters, read from a JSON body (POST) or the query string (GET).</summary>
internal sealed record GraphQLHttpRequest(string Query, string? OperationName, Inputs? Variables)
{
    /// <summary>Reads a POST body; <paramref name="problem"/> says what is wrong when it returns null.</summary>
    public static GraphQLHttpRequest? FromBody(byte[] body, IGraphQLTextSerializer serializer, out string problem)
    {
        problem = "";
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "the body must be a JSON object with a 'query' string";
            return null;
        }

        if (!root.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
        {
            problem = "the body has no 'query' string";
            return null;
        }

        string? operationName = null;
        if (root.TryGetProperty("operationName", out var op) && op.ValueKind != JsonValueKind.Null)
        {
            if (op.ValueKind != JsonValueKind.String)
            {
                problem = "'operationName' must be a string";
                return null;
            }

            operationName = op.GetString();
        }

        Inputs? variables = null;
        if (root.TryGetProperty("variables", out var vars) && vars.ValueKind != JsonValueKind.Null)
        {
            if (vars.ValueKind != JsonValueKind.Object)
            {
                problem = "'variables' must be a JSON object";
                return null;
            }

            variables = serializer.Deserialize<Inputs>(vars.GetRawText());
        }

        if (root.TryGetProperty("extensions", out var extensions) && extensions.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            problem = "'extensions' must be a JSON object";
            return null;
        }

        return new GraphQLHttpRequest(query.GetString()!, operationName, variables);
    }

    /// <summary>Reads <c>?query=&amp;operationName=&amp;variables=</c>; <paramref name="problem"/> says what is wrong when it returns null.</summary>
    public static GraphQLHttpRequest? FromQueryString(IQueryCollection parameters, IGraphQLTextSerializer serializer, out string problem)
    {
        problem = "";
        var query = parameters["query"].ToString();
        if (query.Length == 0)
        {
            problem = "the request has no 'query' parameter";
            return null;
        }

        var operationName = parameters["operationName"].ToString();
        Inputs? variables = null;
        var vars = parameters["variables"].ToString();
        if (vars.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(vars);
                if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    problem = "'variables' must be a JSON object";
                    return null;
                }
            }
            catch (JsonException)
            {
                problem = "'variables' is not well-formed JSON";
                return null;
            }

            variables = serializer.Deserialize<Inputs>(vars);
        }

        return new GraphQLHttpRequest(query, operationName.Length == 0 ? null : operationName, variables);
    }
}
