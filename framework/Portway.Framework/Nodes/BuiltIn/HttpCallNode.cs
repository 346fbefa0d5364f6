using System.Text.Json;
using Portway.Configuration;
using Portway.Egress;

namespace Portway.Nodes.BuiltIn;

/// <summary>
/// <c>sys.http_call</c>: calls the HTTP egress of its stage's <c>with: { egress: NAME, method: POST, path: / }</c>
/// (method defaults to POST, path to <c>/</c>) with its input as the JSON body (GET and DELETE send none), and answers
/// the upstream's JSON body (<c>{"status":N}</c> when it is empty). Errors are the egress port's: <c>timeout</c>,
/// <c>unavailable</c> (breaker open, peer unreachable), <c>bad_gateway</c> (an upstream error status, or a body that
/// is not JSON).
/// </summary>
[PortwayNode("sys.http_call")]
internal sealed class HttpCallNode(PortwayConfig config, IPortwayEgress egress) : INode
{
    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        try
        {
            var with = EgressStage.With(config, context);
            var name = EgressStage.Text(with, "egress", "");
            var method = EgressStage.Text(with, "method", "POST");
            var request = new EgressRequest
            {
                Method = method,
                Path = EgressStage.Text(with, "path", "/"),
                Body = method is "GET" or "DELETE" ? ReadOnlyMemory<byte>.Empty : EgressStage.Body(context, with),
                TraceParent = EgressStage.TraceParent(context),
            };
            var response = await egress.CallAsync(name, request, cancellationToken).ConfigureAwait(false);
            if (response.Body.IsEmpty)
            {
                return NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(new { status = response.StatusCode }));
            }

            try
            {
                using var _ = JsonDocument.Parse(response.Body);
            }
            catch (JsonException)
            {
                return NodeResult.Failure(ErrorCode.BadGateway, $"egress '{name}': {method} {request.Path} answered {response.StatusCode} with a body that is not JSON");
            }

            return NodeResult.Success(response.Body);
        }
        catch (PortwayException ex)
        {
            return NodeResult.Failure(ex.Error);
        }
    }
}
