using Microsoft.Extensions.Logging;
using Portway.Nodes;

namespace Portway.Internal.Routing;

/// <summary>Runs a stage request on the node it names, in this process, and answers with a reply or error envelope.</summary>
internal sealed class StageExecutor(NodeCatalog nodes, ILogger<StageExecutor> logger)
{
    public const string StageHeader = "stage";
    public const string NodeHeader = "node";
    public const string PipelineHeader = "pipeline";

    public async ValueTask<Envelope> ExecuteAsync(Envelope request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryGetValue(NodeHeader, out var nodeName);
        request.Headers.TryGetValue(StageHeader, out var stage);
        request.Headers.TryGetValue(PipelineHeader, out var pipeline);
        if (nodeName is null || !nodes.TryGet(nodeName, out var node))
        {
            return Error(request, new PortwayError(ErrorCode.Internal, $"node '{nodeName}' is not registered in this process"));
        }

        var context = new NodeContext
        {
            Input = request.Payload,
            Pipeline = pipeline ?? "",
            Stage = stage ?? "",
            TraceId = request.TraceId,
            RequestId = request.RequestId,
            Tenant = request.Tenant,
            Headers = request.Headers,
        };

        NodeResult result;
        try
        {
            result = await node.InvokeAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (PortwayException ex)
        {
            result = NodeResult.Failure(ex.Error);
        }
#pragma warning disable CA1031 // A node's bug answers internal; it never takes the runtime down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RoutingLog.NodeFailed(logger, nodeName, stage ?? "", request.RequestId, ex);
            result = NodeResult.Failure(ErrorCode.Internal, $"stage '{stage}' failed unexpectedly");
        }

        return result.IsSuccess
            ? request.CreateAnswer(EnvelopeKind.Reply, result.Payload)
            : Error(request, result.Error!);
    }

    private static Envelope Error(Envelope request, PortwayError error) =>
        request.CreateAnswer(EnvelopeKind.Error, error.ToPayload());
}
