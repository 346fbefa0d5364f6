using Microsoft.Extensions.Options;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_list</c>: <c>{"tenant"}</c> answers <c>{"tenant","profiles":[names]}</c>, names in ordinal order;
/// an unknown tenant has an empty list.
/// </summary>
[PortwayNode("voice.profile_list")]
internal sealed class ProfileListNode : Node<ProfileListNode.Input, ProfileListNode.Output>
{
    private readonly VoiceProfileStore _store;

    /// <summary>Used by the runtime: the store for the configured data directory.</summary>
    public ProfileListNode(IOptions<VoiceProfileOptions> options) : this(VoiceProfileStore.For(options?.Value ?? new VoiceProfileOptions())) { }

    internal ProfileListNode(VoiceProfileStore store) => _store = store;

    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if (VoiceProfileNames.Check(input.Tenant, "tenant") is { } nameError)
        {
            return ValueTask.FromResult<NodeOutcome<Output>>(nameError);
        }

        return ValueTask.FromResult<NodeOutcome<Output>>(new Output(input.Tenant!, _store.List(input.Tenant!)));
    }

    internal sealed record Input(string? Tenant);

    internal sealed record Output(string Tenant, IReadOnlyList<string> Profiles);
}
