using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portway.Egress;
using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// Delivers each finished batch (completed or cancelled: every item final) to an HTTP egress, as
/// <c>POST PATH</c> with the batch's status, counts and results (the <c>GET /v1/batches/{id}</c> body), carrying the
/// submitting request's trace. Set by the <c>batch.submit</c> stage's <c>with: { egress: NAME, path: /PATH }</c>; the
/// egress's retries, breaker and timeouts apply. A failed delivery is logged and counted, never retried past them.
/// </summary>
internal sealed partial class BatchDelivery(IPortwayEgress egress, string name, string path, ILogger logger)
{
    private long _delivered;
    private long _failed;

    public string Egress => name;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public async Task DeliverAsync(BatchView view, string traceParent, CancellationToken cancellationToken)
    {
        try
        {
            var request = new EgressRequest { Method = "POST", Path = path, Body = JsonSerializer.SerializeToUtf8Bytes(view, NodeJson.Options), TraceParent = traceParent };
            await egress.CallAsync(name, request, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _delivered);
        }
        catch (PortwayException ex)
        {
            Interlocked.Increment(ref _failed);
            DeliveryFailed(logger, view.Id, name, ex.Error.Code, ex.Error.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed); // the host is stopping
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "batch {Batch}: delivery to egress {Egress} failed: {Code} {Reason}")]
    private static partial void DeliveryFailed(ILogger logger, string batch, string egress, string code, string reason);
}
