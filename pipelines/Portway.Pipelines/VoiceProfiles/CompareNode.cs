using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.compare</c>: <c>{"tenant","profile_name","hrv":[8]}</c> (what <c>voice.extract</c> answers) loads the
/// profile and answers <c>{"hrv":[8],"profile":[8],"hrv_feedback":[8]}</c> with
/// <c>hrv_feedback[i] = profile[i] - hrv[i]</c> (in -1..1: positive means the text should move up on that
/// dimension). Every number is rounded to 6 decimals; the feedback is computed before rounding.
/// A missing profile answers <c>not_found</c>.
/// </summary>
[PortwayNode("voice.compare", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class CompareNode : Node<CompareNode.Input, CompareNode.Output>
{
    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the store <c>runtime.platform.profile_store</c> names (files or the kv port).</summary>
    public CompareNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv)) { }

    internal CompareNode(IVoiceProfileStore store) => _store = store;

    protected override async ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if ((VoiceProfileNames.Check(input.Tenant, "tenant") ?? VoiceProfileNames.Check(input.ProfileName, "profile_name")) is { } nameError)
        {
            return nameError;
        }

        if (!VoiceVector.TryRead(input.Hrv, "hrv", out var hrv, out var hrvError))
        {
            return hrvError!;
        }

        var profile = await _store.GetAsync(input.Tenant!, input.ProfileName!, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return new PortwayError(ErrorCode.NotFound, $"profile '{input.ProfileName}' of tenant '{input.Tenant}' does not exist");
        }

        var feedback = new double[VoiceVector.Dimensions];
        for (var i = 0; i < feedback.Length; i++)
        {
            feedback[i] = VoiceVector.Round(profile[i] - hrv[i]);
        }

        return new Output(VoiceVector.Round(hrv), VoiceVector.Round(profile), feedback);
    }

    internal sealed record Input(string? Tenant, string? ProfileName, JsonElement? Hrv);

    internal sealed record Output(double[] Hrv, double[] Profile, double[] HrvFeedback);
}
