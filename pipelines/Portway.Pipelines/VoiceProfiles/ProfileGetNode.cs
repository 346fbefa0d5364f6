using Microsoft.Extensions.Options;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_get</c>: <c>{"tenant","profile"}</c> answers <c>{"tenant","profile","vector":[8]}</c>,
/// or <c>not_found</c> when there is no such profile.
/// </summary>
[PortwayNode("voice.profile_get")]
internal sealed class ProfileGetNode : Node<ProfileGetNode.Input, VoiceProfile>
{
    private readonly VoiceProfileStore _store;

    /// <summary>Used by the runtime: the store for the configured data directory.</summary>
    public ProfileGetNode(IOptions<VoiceProfileOptions> options) : this(VoiceProfileStore.For(options?.Value ?? new VoiceProfileOptions())) { }

    internal ProfileGetNode(VoiceProfileStore store) => _store = store;

    internal VoiceProfileStore Store => _store;

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
