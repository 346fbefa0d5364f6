using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>
/// Runs each item through the pipeline the <c>batch.submit</c> stage names (<c>with: { item_pipeline: NAME }</c>), on
/// the runtime's public invoker: the item is the pipeline's input, its output the item's result, its error the
/// item's error. The pipeline's stages run wherever the config places them (a <c>tcp_local</c> or <c>redis</c>
/// process group: a worker process); cancelling an item cancels its call, which reaches the stage that runs it.
/// </summary>
internal sealed class PipelineItemProcessor(Func<IPortwayInvoker> invoker, string pipeline, TimeSpan timeout) : IBatchItemProcessor
{
    /// <summary>The interface name the item calls carry (boundary events, logs).</summary>
    public const string InterfaceName = "batch";

    public string Pipeline => pipeline;

    public async ValueTask<JsonElement> ProcessAsync(JsonElement item, CancellationToken cancellationToken)
    {
        var request = new PortwayRequest
        {
            Pipeline = pipeline,
            Input = JsonSerializer.SerializeToUtf8Bytes(item),
            Timeout = timeout,
            Interface = InterfaceName,
        };
        var result = await invoker().InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.CallerCancelled || cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (result.Error is { } error)
        {
            throw new PortwayException(error);
        }

        if (result.Output.IsEmpty)
        {
            return JsonSerializer.SerializeToElement<object?>(null);
        }

        try
        {
            using var document = JsonDocument.Parse(result.Output);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new PortwayException(ErrorCode.Internal, $"pipeline '{pipeline}' answered something that is not JSON");
        }
    }
}
