using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_list</c>: <c>{"tenant"}</c> answers <c>{"tenant","profiles":[names]}</c>, names in ordinal order;
/// an unknown tenant has an empty list.
/// </summary>
[PortwayNode("voice.profile_list", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class ProfileListNode : Node<ProfileListNode.Input, ProfileListNode.Output>
{
    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the store <c>runtime.platform.profile_store</c> names (files or the kv port).</summary>
    public ProfileListNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv)) { }

    internal ProfileListNode(IVoiceProfileStore store) => _store = store;

    protected override async ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if (VoiceProfileNames.Check(input.Tenant, "tenant") is { } nameError)
        {
            return nameError;
        }

        return new Output(input.Tenant!, await _store.ListAsync(input.Tenant!, cancellationToken).ConfigureAwait(false));
    }

    internal sealed record Input(string? Tenant);

    internal sealed record Output(string Tenant, IReadOnlyList<string> Profiles);
}
