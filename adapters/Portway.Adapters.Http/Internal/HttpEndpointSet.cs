using System.Collections.Frozen;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal;

/// <summary>The config's http endpoints that share one path template, by method.</summary>
internal sealed class HttpEndpointSet(string path, IEnumerable<EndpointConfig> endpoints)
{
    public string Path { get; } = path;

    public FrozenDictionary<string, HttpEndpoint> ByMethod { get; } =
        endpoints.ToFrozenDictionary(e => e.Method, e => new HttpEndpoint(e), StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>Allow</c> header value.</summary>
    public string Allow { get; } = string.Join(", ", endpoints.Select(e => e.Method).Order(StringComparer.Ordinal));
}
