using Portway.Internal.Correlation;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// The waiter of one request/response message on a socket: its <c>reply_to</c> names it, and it knows the
/// connection and the client's message id, so the answer goes back as <c>{"id","type":"reply"|"error"}</c>
/// without a task per message.
/// </summary>
internal sealed class MessageWaiter(WebSocketConnection connection, InFlight request, TimeSpan timeout, TimeProvider time)
    : Waiter(timeout, time)
{
    public InFlight Request { get; } = request;

    protected override void OnEnded(WaiterEnd reason, Envelope? answer) => connection.OnReplied(this, reason, answer);
}
