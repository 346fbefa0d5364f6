using Portway.Configuration;
using YamlDotNet.Core;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    private static readonly string[] RequestPorts = ["request", "response"];
    private static readonly string[] StreamPorts = ["stream"];
    private static readonly string[] KvStreamPorts = ["kv_stream"];

    /// <summary>
    /// <c>binds</c> says which ports an interface reaches, for every interface kind: a pipeline served behind it
    /// needs its port bound (request/response pipelines <c>request</c> and <c>response</c>, stream pipelines
    /// <c>stream</c>, kv watch pipelines <c>kv_stream</c>). Each endpoint, operation or field whose port is not bound
    /// is reported at its pipeline. An interface without <c>binds</c> (or with an empty list) binds what its
    /// pipelines need.
    /// Checked when the loader knows the stream nodes (else a stream pipeline cannot be told apart).
    /// </summary>
    private void ValidateBinds(PortwayConfig config)
    {
        if (_streamNodes.Count == 0) return;
        foreach (var iface in config.Runtime.Web.Interfaces)
        {
            var needed = new SortedSet<string>(Comparer<string>.Create((a, b) =>
                Array.IndexOf(ConfigSchema.Binds, a).CompareTo(Array.IndexOf(ConfigSchema.Binds, b))));
            // An unknown value was reported by the binder; checking against the rest would only repeat it.
            if (iface.Binds.Any(b => !ConfigSchema.Binds.Contains(b, StringComparer.Ordinal))) continue;
            var written = _map.Has(iface, "binds") && iface.Binds.Count > 0;
            if (iface.Kind == "graphql") needed.UnionWith(RequestPorts); // its query fields (one is required)
            foreach (var (what, pipeline, at) in Served(iface))
            {
                if (PortsOf(config, pipeline) is not { } ports) continue;
                foreach (var port in ports) needed.Add(port);
                var missing = ports.Where(p => !iface.Binds.Contains(p, StringComparer.Ordinal)).ToArray();
                if (!written || missing.Length == 0) continue;
                var kind = ports == KvStreamPorts ? "kv watch pipeline" : ports == StreamPorts ? "stream pipeline" : "request/response pipeline";
                _diagnostics.Report(at,
                    $"{what} serves the {kind} '{pipeline}', which needs the {string.Join(" and ", missing.Select(p => $"'{p}'"))} port{(missing.Length > 1 ? "s" : "")}, " +
                    $"but its {iface.Kind} interface binds [{string.Join(", ", iface.Binds)}] (at {Position(_map.At(iface, "binds"))}); add {string.Join(", ", missing)} to binds");
            }

            if (!written && needed.Count > 0) iface.Binds = [.. needed];
        }
    }

    /// <summary>What an interface serves: (description, pipeline, position of the pipeline's name).</summary>
    private IEnumerable<(string What, string Pipeline, Mark At)> Served(InterfaceConfig iface)
    {
        if (iface.Kind == "graphql")
        {
            // Query and mutation fields: CheckGraphQLBinds reports request/response at binds.
            foreach (var (name, field) in iface.Subscription)
            {
                if (field.Pipeline.Length > 0) yield return ($"subscription field '{name}'", field.Pipeline, _map.At(field, "pipeline"));
            }

            yield break;
        }

        foreach (var endpoint in iface.Endpoints)
        {
            if (endpoint.Pipeline.Length > 0) yield return ($"endpoint '{endpoint.Route}'", endpoint.Pipeline, _map.At(endpoint, "pipeline"));
            foreach (var (op, pipeline) in endpoint.Operations)
            {
                yield return ($"operation '{op}' of endpoint '{endpoint.Route}'", pipeline, _map.At(endpoint.Operations, op));
            }
        }
    }

    /// <summary>The ports a pipeline needs, by its sink's node; null when that is not known (unknown pipeline, no sink).</summary>
    private string[]? PortsOf(PortwayConfig config, string name)
    {
        if (!config.Pipelines.TryGetValue(name, out var pipeline) || pipeline.Sink.Length == 0) return null;
        if (pipeline.Stages.FirstOrDefault(s => s.Name == pipeline.Sink) is not { } sink) return null;
        return _kvStreamNodes.Contains(sink.Node) ? KvStreamPorts
            : _streamNodes.Contains(sink.Node) ? StreamPorts
            : RequestPorts;
    }
}
