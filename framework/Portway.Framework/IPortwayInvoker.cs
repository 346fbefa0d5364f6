namespace Portway;

/// <summary>
/// The ingress port: how an adapter (HTTP, WebSocket, GraphQL, a queue consumer, a timer, a user's own code)
/// runs a pipeline. Request/response (<see cref="InvokeAsync"/>, or <see cref="Invoke"/> with a handler) answers
/// one <see cref="PortwayResult"/>: the output, or a taxonomy <see cref="PortwayError"/> object. Stream
/// (<see cref="OpenStream"/>) answers items, then one end. Every call has a deadline; it ends exactly once (answer,
/// deadline, the caller's cancellation, shutdown) and holds nothing once it has ended.
/// </summary>
/// <remarks>Resolve it from DI once <c>AddPortway()</c> has run. Thread-safe.</remarks>
public interface IPortwayInvoker
{
    /// <summary>Whether <paramref name="pipeline"/> exists, and which port serves it.</summary>
    PipelineKind GetPipelineKind(string pipeline);

    /// <summary>
    /// Runs a request/response pipeline and answers its output or error. Never throws for a pipeline failure:
    /// the deadline answers <see cref="ErrorCode.Timeout"/>, draining or shutdown <see cref="ErrorCode.Unavailable"/>,
    /// <paramref name="cancellationToken"/> a result with <see cref="PortwayResult.CallerCancelled"/> set.
    /// </summary>
    ValueTask<PortwayResult> InvokeAsync(in PortwayRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="InvokeAsync"/>, but the result goes to <paramref name="handler"/> (exactly once, on whichever
    /// thread ends the call), without a task per call: for adapters with many requests in flight per connection.
    /// The returned call can be cancelled (the handler then gets a result with <see cref="PortwayResult.CallerCancelled"/>).
    /// </summary>
    IPortwayCall Invoke(in PortwayRequest request, IPortwayResultHandler handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a stream pipeline. <see cref="PortwayRequest.Timeout"/> applies per item (it restarts at each one).
    /// Read the items, then <see cref="IPortwayStream.Result"/>; cancel it, or cancel <paramref name="cancellationToken"/>,
    /// to stop the pipeline.
    /// </summary>
    IPortwayStream OpenStream(in PortwayRequest request, CancellationToken cancellationToken = default);
}
