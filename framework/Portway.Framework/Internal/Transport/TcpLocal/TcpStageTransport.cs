using Portway.Internal.Routing;
using Portway.Transport;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>Sends a group's stage hops to one of its ready workers; with none ready the stage answers <c>unavailable</c>.</summary>
internal sealed class TcpStageTransport(string group, WorkerPool pool) : IStageTransport
{
    public ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken)
    {
        var worker = pool.Pick(group);
        return worker is null
            ? ValueTask.FromResult(request.CreateAnswer(EnvelopeKind.Error,
                new PortwayError(ErrorCode.Unavailable, $"no ready worker for process group '{group}'").ToPayload()))
            : worker.SendAsync(request, cancellationToken);
    }
}
