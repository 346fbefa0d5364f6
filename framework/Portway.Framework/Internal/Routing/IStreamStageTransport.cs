using Portway.Transport;
namespace Portway.Internal.Routing;

/// <summary>A transport that can also run a stream stage (a <see cref="Nodes.IStreamNode"/> sink).</summary>
internal interface IStreamStageTransport : IStageTransport
{
    /// <summary>
    /// Sends the stage <paramref name="request"/> and yields its answers: <see cref="EnvelopeKind.StreamItem"/>
    /// envelopes in order, ending either normally or with one <see cref="EnvelopeKind.Error"/> envelope.
    /// Cancellation stops the stream and throws.
    /// </summary>
    IAsyncEnumerable<Envelope> StreamAsync(Envelope request, CancellationToken cancellationToken);
}
