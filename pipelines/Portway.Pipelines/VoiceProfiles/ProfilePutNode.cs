using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.profile_put</c>: <c>{"tenant","profile","vector":[8]}</c> stores the profile (create or replace) and answers
/// <c>{"tenant","profile","vector":[8],"created":true|false}</c>; <c>created</c> is true when the profile did not exist.
/// Bad names or a bad vector answer <c>validation_failed</c> naming the field (and the index for the vector).
/// </summary>
[PortwayNode("voice.profile_put", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class ProfilePutNode : Node<ProfilePutNode.Input, ProfilePutNode.Output>
{
    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the store <c>runtime.platform.profile_store</c> names (files or the kv port).</summary>
    public ProfilePutNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv)) { }

    internal ProfilePutNode(IVoiceProfileStore store) => _store = store;

    protected override async ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if ((VoiceProfileNames.Check(input.Tenant, "tenant") ?? VoiceProfileNames.Check(input.Profile, "profile")) is { } nameError)
        {
            return nameError;
        }

        if (!VoiceVector.TryRead(input.Vector, "vector", out var vector, out var vectorError))
        {
            return vectorError!;
        }

        var created = await _store.PutAsync(input.Tenant!, input.Profile!, vector, cancellationToken).ConfigureAwait(false);
        return new Output(input.Tenant!, input.Profile!, vector, created);
    }

    internal sealed record Input(string? Tenant, string? Profile, JsonElement? Vector);

    internal sealed record Output(string Tenant, string Profile, double[] Vector, bool Created);
}
