namespace Portway.Internal.Observability;

/// <summary>
/// What the tcp_local listener refused: connections (no admission token in time, a wrong one, pushed out by newer
/// ones, no valid hello), frames by <see cref="FrameRefusalReason"/> (bad signature, stale, replayed, malformed), and peers that stopped reading.
/// Shown in <c>/stats</c> and as metrics.
/// </summary>
internal sealed class IpcRefusals
{
    private readonly long[] _framesByReason = new long[FrameRefusalReason.All.Length];
    private long _connections;
    private long _frames;
    private long _stalledPeers;

    public long RefusedConnections => Interlocked.Read(ref _connections);

    public long RejectedFrames => Interlocked.Read(ref _frames);

    /// <summary>Links declared dead because the peer stopped reading (a write made no progress for the stall deadline).</summary>
    public long StalledPeers => Interlocked.Read(ref _stalledPeers);

    public void PeerStalled() => Interlocked.Increment(ref _stalledPeers);

    public void ConnectionRefused() => Interlocked.Increment(ref _connections);

    /// <summary>Counts a refused frame under <paramref name="reason"/> (one of <see cref="FrameRefusalReason.All"/>; any other counts as <c>other</c>).</summary>
    public void FrameRejected(string reason)
    {
        var index = Array.IndexOf(FrameRefusalReason.All, reason);
        Interlocked.Increment(ref _framesByReason[index < 0 ? FrameRefusalReason.All.Length - 1 : index]);
        Interlocked.Increment(ref _frames);
    }

    /// <summary>Refused frames by reason, every reason listed (zero included), in <see cref="FrameRefusalReason.All"/> order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> RejectedFramesByReason() =>
        FrameRefusalReason.All.Select((reason, i) => KeyValuePair.Create(reason, Interlocked.Read(ref _framesByReason[i]))).ToArray();
}
