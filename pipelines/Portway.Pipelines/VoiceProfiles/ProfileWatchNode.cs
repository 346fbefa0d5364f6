using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_watch</c> (the <c>kv_stream</c> port): <c>{"tenant"}</c> streams the tenant's profiles, each
/// current one first (<c>{"tenant","profile","kind":"current","version","vector":[8]}</c>, by name), then every
/// change as it happens (<c>"kind":"set"</c>; <c>"deleted"</c> without a vector), in order per profile. Runs until
/// the subscriber goes away.
/// </summary>
[PortwayNode("voice.profile_watch", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class ProfileWatchNode : KvWatchNode<ProfileWatchNode.Input>
{
    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the configured profile store and the kv port.</summary>
    public ProfileWatchNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv), kv) { }

    internal ProfileWatchNode(IVoiceProfileStore store, IKvStore kv) : base(kv) => _store = store;

    protected override async ValueTask<KvSelector> SelectAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var prefix = KvVoiceProfileStore.TenantPrefix(input.Tenant!);
        if (_store is FileProfileFeed feed) await feed.SeedAsync(input.Tenant!, cancellationToken).ConfigureAwait(false);
        return KvSelector.ForPrefix(prefix);
    }

    protected override object ToItem(KvChange change)
    {
        var rest = change.Key[KvVoiceProfileStore.Root.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (tenant, profile) = (rest[..slash], rest[(slash + 1)..]);
        var kind = KvStreamItem.From(change).Kind;
        var vector = change.Kind == KvChangeKind.Deleted ? null : KvVoiceProfileStore.Parse(change.Value, tenant, profile).Vector;
        return new Item(tenant, profile, kind, change.Version, vector);
    }

    internal sealed record Input(string? Tenant);

    internal sealed record Item(string Tenant, string Profile, string Kind, long Version, double[]? Vector);
}
