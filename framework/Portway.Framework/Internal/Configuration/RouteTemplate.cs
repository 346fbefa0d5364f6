using System.Text.RegularExpressions;

namespace Portway.Internal.Configuration;

/// <summary>
/// Parses an endpoint route: <c>"METHOD /path/{param}"</c> for http, a bare <c>/path</c> for websocket,
/// and gives the key two routes collide on (method, then the path with parameter names erased, case-insensitive).
/// </summary>
internal static partial class RouteTemplate
{
    /// <summary>Splits an http route into upper-case method and path; false with <paramref name="error"/> when malformed.</summary>
    public static bool TryParseHttp(string route, out string method, out string path, out string error)
    {
        method = "";
        path = "";
        var parts = route.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            error = $"malformed route '{route}': expected \"METHOD /path\", e.g. \"POST /v1/echo\"";
            return false;
        }

        var upper = parts[0].ToUpperInvariant();
        if (!ConfigSchema.HttpMethods.Contains(upper, StringComparer.Ordinal))
        {
            error = $"malformed route '{route}': method must be one of {string.Join(", ", ConfigSchema.HttpMethods)}, got '{parts[0]}'";
            return false;
        }

        if (!TryCheckPath(parts[1], out error))
        {
            error = $"malformed route '{route}': {error}";
            return false;
        }

        method = upper;
        path = parts[1];
        return true;
    }

    /// <summary>Checks a websocket route (a bare path).</summary>
    public static bool TryParseWebSocket(string route, out string path, out string error)
    {
        path = "";
        if (route.Contains(' ', StringComparison.Ordinal))
        {
            error = $"malformed route '{route}': a websocket route is a bare path, e.g. \"/ws\"";
            return false;
        }

        if (!TryCheckPath(route, out error))
        {
            error = $"malformed route '{route}': {error}";
            return false;
        }

        path = route;
        return true;
    }

    /// <summary>A path starts with '/', has no empty or whitespace segments, and each '{param}' segment is a well-formed, unique name.</summary>
    public static bool TryCheckPath(string path, out string error)
    {
        error = "";
        if (!path.StartsWith('/'))
        {
            error = "path must start with '/'";
            return false;
        }

        if (path.Length == 1) return true;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var segments = path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                if (i == segments.Length - 1) continue;
                error = "path has an empty segment ('//')";
                return false;
            }

            if (!segment.Contains('{', StringComparison.Ordinal) && !segment.Contains('}', StringComparison.Ordinal))
            {
                if (!LiteralSegment().IsMatch(segment))
                {
                    error = $"path segment '{segment}' has a character not allowed in a route";
                    return false;
                }

                continue;
            }

            if (!Parameter().IsMatch(segment))
            {
                error = $"parameter segment '{segment}' must be a whole segment '{{name}}' with a name of letters, digits and '_'";
                return false;
            }

            if (!names.Add(segment[1..^1]))
            {
                error = $"parameter '{segment}' appears twice";
                return false;
            }
        }

        return true;
    }

    /// <summary>The key two routes collide on: <c>METHOD /a/{}/b</c>, lower case path, parameter names erased, no trailing '/'.</summary>
    public static string CollisionKey(string method, string path)
    {
        var erased = ParameterAnywhere().Replace(path, "{}").ToLowerInvariant();
        if (erased.Length > 1) erased = erased.TrimEnd('/');
        return $"{method} {erased}";
    }

    [GeneratedRegex(@"^\{[A-Za-z_][A-Za-z0-9_]*\}$")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\{[^/]*\}")]
    private static partial Regex ParameterAnywhere();

    [GeneratedRegex(@"^[A-Za-z0-9\-._~%!$&'()*+,;=:@]+$")]
    private static partial Regex LiteralSegment();
}
