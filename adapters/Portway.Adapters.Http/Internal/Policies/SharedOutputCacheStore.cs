using Microsoft.AspNetCore.OutputCaching;
using Portway.Policies;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>ASP.NET Core's <see cref="IOutputCacheStore"/> over the framework's shared store port (<see cref="IResponseCacheStore"/>, Redis).</summary>
internal sealed class SharedOutputCacheStore(IResponseCacheStore store) : IOutputCacheStore
{
    public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken) => store.EvictByTagAsync(tag, cancellationToken);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => store.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken) =>
        store.SetAsync(key, value, tags ?? [], validFor, cancellationToken);
}
