namespace Portway.Transport;

/// <summary>
/// Carries a stage request to whoever runs the stage and brings back its answer. The memory transport runs it in
/// this process, tcp_local sends it to a supervised child, a driven adapter (Redis) sends it to workers on other
/// machines; each implements this one contract. A transport for a process group is provided through
/// <see cref="IStageTransportFactory"/>.
/// </summary>
public interface IStageTransport
{
    /// <summary>
    /// Sends <paramref name="request"/> (kind <see cref="EnvelopeKind.Request"/>, route <c>pipeline/stage</c>, headers
    /// <c>stage</c>, <c>node</c>, <c>pipeline</c> and, when the caller has one, <see cref="StageHop.DeadlineHeader"/>)
    /// and returns the answer: a <see cref="EnvelopeKind.Reply"/> or an <see cref="EnvelopeKind.Error"/> envelope.
    /// Never throws for a stage or transport failure (it answers an error, e.g. <see cref="ErrorCode.Unavailable"/>);
    /// cancellation throws.
    /// </summary>
    ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken);
}
