using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.feedback_batch</c> (a stream node): <c>{"tenant","profile_name","texts":[...]}</c> produces one item per
/// text, in order: <c>{"index","hrv":[8],"profile":[8],"hrv_feedback":[8]}</c>, the same numbers
/// <c>voice.extract</c> then <c>voice.compare</c> give for that text alone. Everything is checked before the first
/// item (names, 1 to <see cref="MaxTexts"/> texts, each text as <c>voice.extract</c> checks it, the profile
/// existing), so a bad request is one error and no items.
/// </summary>
[PortwayNode("voice.feedback_batch", Lifetime = ServiceLifetime.Singleton)] // one store (and feed) per process, as before nodes were scoped
internal sealed class FeedbackBatchNode : StreamNode<FeedbackBatchNode.Input, FeedbackBatchNode.Item>
{
    /// <summary>The most texts one request may hold.</summary>
    public const int MaxTexts = 100;

    private readonly IVoiceProfileStore _store;

    /// <summary>Used by the runtime: the store <c>runtime.platform.profile_store</c> names (files or the kv port).</summary>
    public FeedbackBatchNode(IOptions<VoiceProfileOptions> options, PortwayConfig config, IKvStore kv) : this(VoiceProfileStores.For(options?.Value ?? new VoiceProfileOptions(), config, kv)) { }

    internal FeedbackBatchNode(IVoiceProfileStore store) => _store = store;

    protected override async IAsyncEnumerable<Item> ProduceAsync(Input input, NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if ((VoiceProfileNames.Check(input.Tenant, "tenant") ?? VoiceProfileNames.Check(input.ProfileName, "profile_name")) is { } nameError)
        {
            throw new PortwayException(nameError);
        }

        if (input.Texts is not { Count: > 0 and <= MaxTexts } texts)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"texts is required: a list of 1 to {MaxTexts} texts");
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (ExtractNode.CheckText(texts[i], $"texts[{i}]") is { } textError)
            {
                throw new PortwayException(textError);
            }
        }

        var profile = await _store.GetAsync(input.Tenant!, input.ProfileName!, cancellationToken).ConfigureAwait(false)
            ?? throw new PortwayException(ErrorCode.NotFound, $"profile '{input.ProfileName}' of tenant '{input.Tenant}' does not exist");
        var rounded = VoiceVector.Round(profile);
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hrv = TextFeatures.Measure(texts[i]!);
            var feedback = new double[VoiceVector.Dimensions];
            for (var d = 0; d < feedback.Length; d++)
            {
                feedback[d] = VoiceVector.Round(profile[d] - hrv[d]);
            }

            yield return new Item(i, VoiceVector.Round(hrv), rounded, feedback);
        }
    }

    internal sealed record Input(string? Tenant, string? ProfileName, IReadOnlyList<string?>? Texts);

    internal sealed record Item(int Index, double[] Hrv, double[] Profile, double[] HrvFeedback);
}
