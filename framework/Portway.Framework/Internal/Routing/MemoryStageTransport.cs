using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;

namespace Portway.Internal.Routing;

/// <summary>
/// Runs stages in this process. With <c>auth.mode: hmac</c> it signs each envelope and verifies it on
/// the receiving side, exactly as a process boundary would, so a missing signature is caught in one process too.
/// </summary>
internal sealed class MemoryStageTransport(StageExecutor executor, EnvelopeSigner? signer, ILogger<MemoryStageTransport> logger) : IStreamStageTransport
{
    public async ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verified = SignAndVerify(request, request);
        if (!ReferenceEquals(verified, request))
        {
            return verified;
        }

        var answer = await executor.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        return SignAndVerify(request, answer);
    }

    public async IAsyncEnumerable<Envelope> StreamAsync(Envelope request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verified = SignAndVerify(request, request);
        if (!ReferenceEquals(verified, request))
        {
            yield return verified;
            yield break;
        }

        await foreach (var answer in executor.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var checkedAnswer = SignAndVerify(request, answer);
            yield return checkedAnswer;
            if (checkedAnswer.Kind == EnvelopeKind.Error)
            {
                yield break;
            }
        }
    }

    /// <summary>Signs <paramref name="envelope"/> and verifies it as its receiver would: the envelope, or an error answer to <paramref name="request"/>.</summary>
    private Envelope SignAndVerify(Envelope request, Envelope envelope)
    {
        if (signer is null)
        {
            return envelope;
        }

        signer.Sign(envelope);
        if (signer.Verify(envelope) is { } rejected)
        {
            RoutingLog.SignatureRejected(logger, envelope.Route, rejected.Message);
            return request.CreateAnswer(EnvelopeKind.Error, rejected.ToPayload());
        }

        return envelope;
    }
}
