namespace Portway.Internal.Observability;

/// <summary>
/// What the tcp_local listener refused: connections (no admission token in time, a wrong one, pushed out by newer
/// ones, no valid hello) and frames (bad signature, stale, replayed, malformed). Shown in <c>/stats</c> and as metrics.
/// </summary>
internal sealed class IpcRefusals
{
    private long _connections;
    private long _frames;

    public long RefusedConnections => Interlocked.Read(ref _connections);

    public long RejectedFrames => Interlocked.Read(ref _frames);

    public void ConnectionRefused() => Interlocked.Increment(ref _connections);

    public void FrameRejected() => Interlocked.Increment(ref _frames);
}
