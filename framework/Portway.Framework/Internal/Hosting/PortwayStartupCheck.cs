using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Internal.Hosting;

/// <summary>
/// Fails startup, not the first request: resolves the config (an unknown node is a FILE:LINE:COL problem then), compiles
/// the routes, and builds every node the config uses once, in a scope, so a dependency DI cannot resolve stops the host
/// with the node's name and the missing service. Registered first, so it runs before any listener opens.
/// </summary>
internal sealed class PortwayStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var config = services.GetRequiredService<PortwayConfig>();
        _ = services.GetRequiredService<RoutingTable>();
        Check(config, services.GetRequiredService<NodeCatalog>());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Builds each node the config uses; throws one exception listing every node that cannot be built.</summary>
    public static void Check(PortwayConfig config, NodeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        var used = config.Pipelines.Values.SelectMany(p => p.Stages).Select(s => s.Node).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var name in used)
        {
            if (!catalog.TryGetAny(name, out var entry))
            {
                problems.Add($"node '{name}' is used by the config but not registered (AddNode<T>() / AddNodesFrom(assembly))");
                continue;
            }

            try
            {
                if (entry.IsSingleton)
                {
                    _ = entry.Singleton;
                    continue;
                }

                using var scope = catalog.Scopes.CreateScope();
                var node = entry.Create(scope.ServiceProvider, out var owned);
                if (owned)
                {
                    NodeEntry.DisposeOwnedAsync(node).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"node '{name}' ({entry.Registration.NodeType}) cannot be created: {ex.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Portway cannot start:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }
}
