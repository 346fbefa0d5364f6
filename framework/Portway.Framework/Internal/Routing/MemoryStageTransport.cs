using Microsoft.Extensions.Logging;
using Portway.Internal.Security;

namespace Portway.Internal.Routing;

/// <summary>
/// Runs stages in this process. With <c>auth.mode: hmac</c> it signs each envelope and verifies it on
/// the receiving side, exactly as a process boundary would, so a missing signature is caught in one process too.
/// </summary>
internal sealed class MemoryStageTransport(StageExecutor executor, EnvelopeSigner? signer, ILogger<MemoryStageTransport> logger) : IStageTransport
{
    public async ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken)
    {
        if (signer is not null)
        {
            signer.Sign(request);
            if (signer.Verify(request) is { } rejected)
            {
                RoutingLog.SignatureRejected(logger, request.Route, rejected.Message);
                return request.CreateAnswer(EnvelopeKind.Error, rejected.ToPayload());
            }
        }

        var answer = await executor.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        if (signer is not null)
        {
            signer.Sign(answer);
            if (signer.Verify(answer) is { } rejected)
            {
                RoutingLog.SignatureRejected(logger, answer.Route, rejected.Message);
                return request.CreateAnswer(EnvelopeKind.Error, rejected.ToPayload());
            }
        }

        return answer;
    }
}
