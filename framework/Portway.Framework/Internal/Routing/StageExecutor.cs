using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;
using Portway.Nodes;
using Portway.Transport;

namespace Portway.Internal.Routing;

/// <summary>
/// Runs a stage request on the node it names, in this process, and answers with a reply or error envelope. A
/// singleton node runs as is; any other node is resolved for this one invocation in a DI scope of its own, disposed
/// when the invocation ends.
/// </summary>
internal sealed class StageExecutor(NodeCatalog nodes, ILogger<StageExecutor> logger) : IStageRunner
{
    public const string StageHeader = StageHop.StageHeader;
    public const string NodeHeader = StageHop.NodeHeader;
    public const string PipelineHeader = StageHop.PipelineHeader;

    ValueTask<Envelope> IStageRunner.RunAsync(Envelope request, CancellationToken cancellationToken) => ExecuteAsync(request, cancellationToken);

    public ValueTask<Envelope> ExecuteAsync(Envelope request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nodeName = NodeOf(request);
        if (nodeName is null || !nodes.TryGet(nodeName, out var entry))
        {
            return ValueTask.FromResult(Error(request, new PortwayError(ErrorCode.Internal, $"node '{nodeName}' is not registered in this process")));
        }

        return entry.IsSingleton
            ? InvokeAsync((INode)entry.Singleton, request, cancellationToken)
            : InvokeScopedAsync(entry, request, cancellationToken);
    }

    private async ValueTask<Envelope> InvokeScopedAsync(NodeEntry entry, Envelope request, CancellationToken cancellationToken)
    {
        var scope = nodes.Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            object node;
            bool owned;
            try
            {
                node = entry.Create(scope.ServiceProvider, out owned);
            }
#pragma warning disable CA1031 // A node that cannot be built answers internal; it never takes the runtime down.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RoutingLog.NodeFailed(logger, entry.Name, StageOf(request) ?? "", request.RequestId, ex);
                return Error(request, new PortwayError(ErrorCode.Internal, $"node '{entry.Name}' could not be created"));
            }

            try
            {
                return await InvokeAsync((INode)node, request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (owned)
                {
                    await NodeEntry.DisposeOwnedAsync(node).ConfigureAwait(false);
                }
            }
        }
    }

    private async ValueTask<Envelope> InvokeAsync(INode node, Envelope request, CancellationToken cancellationToken)
    {
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
            RoutingLog.NodeFailed(logger, NodeOf(request) ?? "", context.Stage, request.RequestId, ex);
            result = NodeResult.Failure(ErrorCode.Internal, $"stage '{context.Stage}' failed unexpectedly");
        }

        return result.IsSuccess
            ? request.CreateAnswer(EnvelopeKind.Reply, result.Payload)
            : Error(request, InTaxonomy(result.Error!, NodeOf(request) ?? "", context.Stage));
    }

    /// <summary>
    /// Runs a stream stage request on the stream node it names: yields <see cref="EnvelopeKind.StreamItem"/>
    /// answers, ending normally or with one <see cref="EnvelopeKind.Error"/> answer. Cancellation throws. A scoped
    /// node's scope lasts until the stream ends.
    /// </summary>
    public async IAsyncEnumerable<Envelope> StreamAsync(Envelope request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nodeName = NodeOf(request);
        var stage = StageOf(request);
        if (nodeName is null || !nodes.TryGetStream(nodeName, out var entry))
        {
            yield return Error(request, new PortwayError(ErrorCode.Internal, $"stream node '{nodeName}' is not registered in this process"));
            yield break;
        }

        AsyncServiceScope? scope = null;
        object? owned = null;
        IStreamNode node;
        if (entry.IsSingleton)
        {
            node = (IStreamNode)entry.Singleton;
        }
        else
        {
            scope = nodes.Scopes.CreateAsyncScope();
            try
            {
                var created = entry.Create(scope.Value.ServiceProvider, out var isOwned);
                owned = isOwned ? created : null;
                node = (IStreamNode)created;
            }
#pragma warning disable CA1031 // A node that cannot be built answers internal; it never takes the runtime down.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RoutingLog.NodeFailed(logger, nodeName, stage ?? "", request.RequestId, ex);
                await scope.Value.DisposeAsync().ConfigureAwait(false);
                scope = null;
                node = null!;
            }

            if (scope is null)
            {
                yield return Error(request, new PortwayError(ErrorCode.Internal, $"node '{nodeName}' could not be created"));
                yield break;
            }
        }

        try
        {
            await foreach (var answer in StreamNodeAsync(node, nodeName, stage, request, cancellationToken).ConfigureAwait(false))
            {
                yield return answer;
            }
        }
        finally
        {
            if (owned is not null)
            {
                await NodeEntry.DisposeOwnedAsync(owned).ConfigureAwait(false);
            }

            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<Envelope> StreamNodeAsync(IStreamNode node, string nodeName, string? stage, Envelope request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
        Pipeline = request.InProcessStage?.Pipeline ?? Header(request, PipelineHeader) ?? "",
        Stage = StageOf(request) ?? "",
        TraceId = request.TraceId,
        RequestId = request.RequestId,
        TraceParent = request.InProcessStage is not null ? request.InProcessTraceParent ?? "" : Header(request, Envelope.TraceParentHeader) ?? "",
        Tenant = request.Tenant,
        Identity = request.Identity.IsAuthenticated ? request.Identity : IdentityHeaders.Read(request),
        Deadline = request.Deadline,
    };

    private static Envelope Error(Envelope request, PortwayError error) => request.CreateError(error);

    // A hop from this process carries its stage as an object (InProcessStage); one from another process, as headers.
    private static string? NodeOf(Envelope request) => request.InProcessStage?.Node ?? Header(request, NodeHeader);

    private static string? StageOf(Envelope request) => request.InProcessStage?.Stage ?? Header(request, StageHeader);

    private static string? Header(Envelope request, string name) =>
        request.HeaderCount > 0 && request.Headers.TryGetValue(name, out var value) ? value : null;

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
