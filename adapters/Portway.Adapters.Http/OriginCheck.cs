using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http;

/// <summary>
/// Which browser pages may open a WebSocket (<c>/v1/ws</c>, GraphQL's <c>/graphql</c>): a cross-site page's
/// upgrade carries its <c>Origin</c>, and cookies or a reachable network would otherwise let it act as the user.
/// Allowed: the interface's <c>cors.origins</c> (<c>*</c> is any origin, as for HTTP CORS); when none are configured,
/// the server's own origin (the <c>Host</c> the request came to). A client that sends no <c>Origin</c> is not a
/// browser and is not checked.
/// </summary>
public static class OriginCheck
{
    /// <summary>The <c>cors.origins</c> entry that allows every origin.</summary>
    public const string AnyOrigin = "*";

    /// <summary>Null when the request may go on; else the <c>forbidden</c> error to answer with (403).</summary>
    public static PortwayError? Refusal(HttpRequest request, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowed);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        if (allowed.Count > 0 ? IsListed(origin, allowed) : IsSameOrigin(origin, request.Host))
        {
            return null;
        }

        return new PortwayError(ErrorCode.Forbidden, allowed.Count > 0
            ? $"origin '{origin}' may not open a WebSocket here; allowed: {string.Join(", ", allowed)} (cors.origins)"
            : $"origin '{origin}' may not open a WebSocket here: only pages of this server may (list others in the interface's cors.origins)");
    }

    private static bool IsListed(string origin, IReadOnlyList<string> allowed)
    {
        foreach (var candidate in allowed)
        {
            if (candidate == AnyOrigin || string.Equals(candidate, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The origin's host and port are the ones the request was sent to (a Host without a port: the origin scheme's default).</summary>
    private static bool IsSameOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !host.HasValue)
        {
            return false;
        }

        var hostName = host.Host.Trim('[', ']');
        var port = host.Port ?? uri.Port;
        return string.Equals(uri.IdnHost.Trim('[', ']'), hostName, StringComparison.OrdinalIgnoreCase) && uri.Port == port;
    }
}
