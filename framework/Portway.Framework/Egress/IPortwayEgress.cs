namespace Portway.Egress;

/// <summary>
/// The egress port: calls out of the runtime to the external services the config declares under
/// <c>runtime.egress</c>, by name. Nodes take it from DI and never see the protocol client behind it; an egress
/// adapter (<c>AddPortwayEgress()</c>) implements it. Without one, every call answers
/// <see cref="ErrorCode.Unavailable"/>.
/// </summary>
/// <remarks>
/// Failures are taxonomy errors (<see cref="PortwayException"/>): a call over its time (per attempt or in total)
/// is <see cref="ErrorCode.Timeout"/>; an open circuit breaker, an unreachable peer or a full send queue is
/// <see cref="ErrorCode.Unavailable"/>; an upstream answer outside 2xx (after the retries) is
/// <see cref="ErrorCode.BadGateway"/> naming the upstream status; an unknown egress name is
/// <see cref="ErrorCode.Internal"/> (the config check makes it impossible). The caller's cancellation stays an
/// <see cref="OperationCanceledException"/>: the caller's deadline is never exceeded by retries.
/// </remarks>
public interface IPortwayEgress
{
    /// <summary>Sends <paramref name="request"/> through the HTTP egress <paramref name="egress"/> (<c>runtime.egress.http</c>).</summary>
    ValueTask<EgressResponse> CallAsync(string egress, EgressRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues one JSON <paramref name="message"/> for the WebSocket egress <paramref name="egress"/>
    /// (<c>runtime.egress.websocket</c>); it is sent as <c>{"traceparent","payload"}</c> once connected (the client
    /// reconnects by itself). Answers when queued; a full queue is <see cref="ErrorCode.Unavailable"/>.
    /// </summary>
    ValueTask SendAsync(string egress, ReadOnlyMemory<byte> message, string traceParent, CancellationToken cancellationToken = default);
}
