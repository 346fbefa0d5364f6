using System.Text.Json;
using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.features</c>: the example work on one batch item as a stage (<see cref="TextFeaturesItemProcessor"/>): an
/// item is a text or <c>{"text","work_ms"}</c>, the answer <c>{"hrv":[8]}</c>. Stateless: place it in any process group
/// (the stage of a batch's <c>item_pipeline</c> that runs in worker processes).
/// </summary>
[PortwayNode(Name)]
internal sealed class FeaturesNode(TimeProvider time) : INode
{
    public const string Name = "batch.features";

    private readonly TextFeaturesItemProcessor _work = new(time);

    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        JsonElement item;
        try
        {
            using var document = JsonDocument.Parse(context.Input);
            item = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return NodeResult.Failure(ErrorCode.ValidationFailed, "an item must be JSON: a text or an object {\"text\",\"work_ms\"}");
        }

        try
        {
            var result = await _work.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
            return NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(result));
        }
        catch (PortwayException ex)
        {
            return NodeResult.Failure(ex.Error);
        }
    }
}
