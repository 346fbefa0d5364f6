using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_get</c>: <c>{"tenant","profile"}</c> answers <c>{"tenant","profile","vector":[8]}</c>,
/// or <c>not_found</c> when there is no such profile.
/// </summary>
[PortwayNode("voice.profile_get", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class ProfileGetNode : Node<ProfileGetNode.Input, VoiceProfile>
{
    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the store <c>runtime.platform.profile_store</c> names (files or the kv port).</summary>
    public ProfileGetNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv)) { }

    internal ProfileGetNode(IVoiceProfileStore store) => _store = store;

    protected override async ValueTask<NodeOutcome<VoiceProfile>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if ((VoiceProfileNames.Check(input.Tenant, "tenant") ?? VoiceProfileNames.Check(input.Profile, "profile")) is { } nameError)
        {
            return nameError;
        }

        var vector = await _store.GetAsync(input.Tenant!, input.Profile!, cancellationToken).ConfigureAwait(false);
        return vector is null
            ? new PortwayError(ErrorCode.NotFound, $"profile '{input.Profile}' of tenant '{input.Tenant}' does not exist")
            : new VoiceProfile(input.Tenant!, input.Profile!, vector);
    }

    internal sealed record Input(string? Tenant, string? Profile);
}
