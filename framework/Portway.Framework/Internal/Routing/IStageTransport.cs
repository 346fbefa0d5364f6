namespace Portway.Internal.Routing;

/// <summary>
/// Carries a stage request to whoever runs the stage and brings back its answer. The memory transport
/// runs it in this process; tcp_local sends it to a supervised child; each shares this one contract.
/// </summary>
internal interface IStageTransport
{
    /// <summary>
    /// Sends <paramref name="request"/> (kind <see cref="EnvelopeKind.Request"/>, route <c>pipeline/stage</c>,
    /// headers <c>stage</c> and <c>node</c>) and returns the answer: a <see cref="EnvelopeKind.Reply"/> or an
    /// <see cref="EnvelopeKind.Error"/> envelope. Never throws for a stage failure; cancellation throws.
    /// </summary>
    ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken);
}
