using Microsoft.Extensions.DependencyInjection;
using Portway.Nodes;

namespace Portway.Internal.Routing;

/// <summary>
/// How to get one node: a singleton made once, or a node made per invocation in a DI scope (resolved from DI when its
/// class is registered there, else constructed with its dependencies by a compiled factory).
/// </summary>
internal sealed class NodeEntry
{
    private readonly Lazy<object>? _singleton;
    private readonly ObjectFactory? _factory;

    public NodeEntry(NodeRegistration registration, IServiceProvider root, bool isStream)
    {
        Registration = registration;
        IsStream = isStream;
        var type = registration.NodeType;
        var isService = root.GetService<IServiceProviderIsService>()?.IsService(type) == true;
        if (registration.Lifetime == ServiceLifetime.Singleton)
        {
            _singleton = new Lazy<object>(() => ActivatorUtilities.GetServiceOrCreateInstance(root, type));
        }
        else if (!isService)
        {
            _factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
        }
    }

    public NodeRegistration Registration { get; }

    public string Name => Registration.Name;

    public bool IsStream { get; }

    /// <summary>True when invocations share one instance (no scope per invocation).</summary>
    public bool IsSingleton => _singleton is not null;

    /// <summary>The shared instance of a singleton node.</summary>
    public object Singleton => _singleton!.Value;

    /// <summary>A node for one invocation, from <paramref name="scope"/>; <paramref name="owned"/> says the caller disposes it.</summary>
    public object Create(IServiceProvider scope, out bool owned)
    {
        if (_factory is null)
        {
            owned = false;
            return scope.GetRequiredService(Registration.NodeType);
        }

        owned = true;
        return _factory(scope, null);
    }

    /// <summary>Disposes a node this entry created (DI disposes the ones it resolved, with their scope).</summary>
    public static async ValueTask DisposeOwnedAsync(object node)
    {
        if (node is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (node is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
