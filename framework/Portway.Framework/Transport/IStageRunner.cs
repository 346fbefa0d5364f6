namespace Portway.Transport;

/// <summary>
/// Runs a stage request on the node it names, in this process: what a worker does with a hop it received from a
/// transport. Registered by <c>AddPortway()</c>.
/// </summary>
public interface IStageRunner
{
    /// <summary>
    /// Runs <paramref name="request"/> and answers with a <see cref="EnvelopeKind.Reply"/> or an
    /// <see cref="EnvelopeKind.Error"/> envelope (correlation copied from the request). A node's failure is an error
    /// answer, never an exception; cancellation throws.
    /// </summary>
    ValueTask<Envelope> RunAsync(Envelope request, CancellationToken cancellationToken);
}
