using System.Text.Json;
using Portway.Configuration;
using Portway.Egress;

namespace Portway.Nodes.BuiltIn;

/// <summary>
/// <c>sys.ws_send</c>: queues its input (JSON) on the WebSocket egress of its stage's <c>with: { egress: NAME }</c>
/// and answers <c>{"queued":true}</c>; a full send queue is <c>unavailable</c>.
/// </summary>
[PortwayNode("sys.ws_send")]
internal sealed class WebSocketSendNode(PortwayConfig config, IPortwayEgress egress) : INode
{
    private static readonly byte[] Queued = JsonSerializer.SerializeToUtf8Bytes(new { queued = true });

    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        try
        {
            var with = EgressStage.With(config, context);
            await egress.SendAsync(EgressStage.Text(with, "egress", ""), EgressStage.Body(context, with), EgressStage.TraceParent(context), cancellationToken).ConfigureAwait(false);
            return NodeResult.Success(Queued);
        }
        catch (PortwayException ex)
        {
            return NodeResult.Failure(ex.Error);
        }
    }
}
