using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Configuration;
using Portway.Internal.Configuration;
using Portway.Internal.Hosting;
using Portway.Nodes;

namespace Portway;

public static partial class PortwayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime to an application of your own: the YAML comes from <see cref="PortwayOptions.ConfigFile"/>,
    /// <see cref="PortwayOptions.Yaml"/> or <see cref="PortwayOptions.Configuration"/>; the nodes are the built-in
    /// <c>sys.*</c> plus those you register once on the returned builder (<c>AddNode&lt;T&gt;()</c>,
    /// <c>AddNodesFrom(assembly)</c>). The YAML is read now (a syntax or shape problem throws
    /// <see cref="PortwayConfigException"/> with FILE:LINE:COL); its node names are checked against that catalog when
    /// the config is first resolved, and the host's startup builds every node the config uses once, so an unknown node or
    /// a dependency DI cannot resolve stops startup, not the first request.
    /// </summary>
    public static IPortwayBuilder AddPortway(this IServiceCollection services, Action<PortwayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PortwayOptions();
        configure(options);
        services.Configure(configure);
        var text = ConfigText.Read(options);
        var shape = text.LoadOrThrow(knownNodes: null, streamNodes: [], kvStreamNodes: []);
        services.TryAddSingleton(text);
        services.TryAddSingleton(sp => LoadAgainstCatalog(text, sp.GetServices<NodeRegistration>()));
        services.TryAddSingleton(sp => new ConfigReloadSource(
            () => ReloadAgainstCatalog(text, sp.GetServices<NodeRegistration>()), text.FilePath, options.ReloadOnChange && text.FilePath is not null));
        return AddRuntime(services, shape);
    }

    private static ConfigLoadResult ReloadAgainstCatalog(ConfigText text, IEnumerable<NodeRegistration> registrations)
    {
        var (names, streams, kvStreams) = Catalog(registrations);
        return text.Reread().Load(names, streams, kvStreams);
    }

    private static (string[] Names, string[] Streams, string[] KvStreams) Catalog(IEnumerable<NodeRegistration> registrations)
    {
        var all = registrations.ToArray();
        string[] Where(Func<Type, bool> kind) => all.Where(r => kind(r.NodeType)).Select(r => r.Name).Distinct(StringComparer.Ordinal).ToArray();
        return (Where(_ => true), Where(t => typeof(IStreamNode).IsAssignableFrom(t)), Where(t => typeof(Kv.IKvStreamNode).IsAssignableFrom(t)));
    }

    /// <summary>Loads <paramref name="text"/> with the node names of <paramref name="registrations"/> (the one catalog).</summary>
    internal static PortwayConfig LoadAgainstCatalog(ConfigText text, IEnumerable<NodeRegistration> registrations)
    {
        var (names, streams, kvStreams) = Catalog(registrations);
        return text.LoadOrThrow(names, streams, kvStreams);
    }
}
