using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;
using Portway.Nodes;
using Portway.Transport;

namespace Portway.Internal.Routing;

/// <summary>Runs a stage request on the node it names, in this process, and answers with a reply or error envelope.</summary>
internal sealed class StageExecutor(NodeCatalog nodes, ILogger<StageExecutor> logger) : IStageRunner
{
    public const string StageHeader = StageHop.StageHeader;
    public const string NodeHeader = StageHop.NodeHeader;
    public const string PipelineHeader = StageHop.PipelineHeader;

    ValueTask<Envelope> IStageRunner.RunAsync(Envelope request, CancellationToken cancellationToken) => ExecuteAsync(request, cancellationToken);

    public async ValueTask<Envelope> ExecuteAsync(Envelope request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryGetValue(NodeHeader, out var nodeName);
        request.Headers.TryGetValue(StageHeader, out var stage);
        if (nodeName is null || !nodes.TryGet(nodeName, out var node))
        {
            return Error(request, new PortwayError(ErrorCode.Internal, $"node '{nodeName}' is not registered in this process"));
        }

        var context = CreateContext(request);

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
            : Error(request, InTaxonomy(result.Error!, nodeName, stage));
    }

    /// <summary>
    /// Runs a stream stage request on the stream node it names: yields <see cref="EnvelopeKind.StreamItem"/>
    /// answers, ending normally or with one <see cref="EnvelopeKind.Error"/> answer. Cancellation throws.
    /// </summary>
    public async IAsyncEnumerable<Envelope> StreamAsync(Envelope request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryGetValue(NodeHeader, out var nodeName);
        request.Headers.TryGetValue(StageHeader, out var stage);
        if (nodeName is null || !nodes.TryGetStream(nodeName, out var node))
        {
            yield return Error(request, new PortwayError(ErrorCode.Internal, $"stream node '{nodeName}' is not registered in this process"));
            yield break;
        }

        var items = node.StreamAsync(CreateContext(request), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                NodeResult item;
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    item = items.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (PortwayException ex)
                {
                    item = NodeResult.Failure(ex.Error);
                }
#pragma warning disable CA1031 // A node's bug ends its stream with internal; it never takes the runtime down.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    RoutingLog.NodeFailed(logger, nodeName, stage ?? "", request.RequestId, ex);
                    item = NodeResult.Failure(ErrorCode.Internal, $"stage '{stage}' failed unexpectedly");
                }

                if (!item.IsSuccess)
                {
                    yield return Error(request, InTaxonomy(item.Error!, nodeName, stage));
                    yield break;
                }

                yield return request.CreateAnswer(EnvelopeKind.StreamItem, item.Payload);
            }
        }
    }

    private static NodeContext CreateContext(Envelope request) => new()
    {
        Input = request.Payload,
        Pipeline = request.Headers.GetValueOrDefault(PipelineHeader) ?? "",
        Stage = request.Headers.GetValueOrDefault(StageHeader) ?? "",
        TraceId = request.TraceId,
        RequestId = request.RequestId,
        Tenant = request.Tenant,
        Identity = request.Identity.IsAuthenticated ? request.Identity : IdentityHeaders.Read(request),
        Headers = request.Headers,
    };

    private static Envelope Error(Envelope request, PortwayError error) => request.CreateError(error);

    /// <summary>
    /// A node's error as it leaves the node: a code outside the taxonomy (<see cref="ErrorCode.All"/>) becomes
    /// <c>internal</c>, logged with the node's name, so no node chooses a <c>/stats</c> key, a metric tag or a status.
    /// </summary>
    private PortwayError InTaxonomy(PortwayError error, string node, string? stage)
    {
        if (ErrorCode.IsKnown(error.Code)) return error;
        RoutingLog.NodeErrorCodeUnknown(logger, node, stage ?? "", error.Code.Length > 64 ? error.Code[..64] + "…" : error.Code);
        return new PortwayError(ErrorCode.Internal, error.Message);
    }
}
