using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;

namespace Portway.Internal.Routing;

/// <summary>
/// Runs stages in this process. An in-process hop never leaves memory, so it is not signed by default; with
/// <c>auth.sign_in_process: true</c> (and <c>mode: hmac</c>) it signs each envelope and verifies it on the receiving
/// side, exactly as a process boundary would, so a missing signature is caught in one process too.
/// </summary>
internal sealed class MemoryStageTransport(StageExecutor executor, EnvelopeSigner? signer, ILogger<MemoryStageTransport> logger) : IStreamStageTransport
{
    private const int CanonicalStackLimit = 1024;

    /// <summary>Whether each hop is signed and verified (<c>auth.sign_in_process</c>).</summary>
    public bool SignsHops => signer is not null;

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

        // As across a boundary: the sender signs the canonical bytes it writes, the receiver verifies those same bytes.
        var length = EnvelopeCodec.GetLength(envelope);
        byte[]? rented = null;
        var canonical = length <= CanonicalStackLimit ? stackalloc byte[CanonicalStackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        PortwayError? rejected;
        try
        {
            var written = signer.Sign(envelope, canonical);
            rejected = signer.Verify(envelope, canonical[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (rejected is not null)
        {
            RoutingLog.SignatureRejected(logger, envelope.Route, rejected.Message);
            return request.CreateError(rejected);
        }

        return envelope;
    }
}
