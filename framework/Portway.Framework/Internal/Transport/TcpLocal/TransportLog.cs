using Microsoft.Extensions.Logging;

namespace Portway.Internal.Transport.TcpLocal;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = EventIds.FrameRejected, Level = LogLevel.Warning, Message = "Frame from {Peer} rejected: {Reason}")]
    public static partial void FrameRejected(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = EventIds.PeerDisconnected, Level = LogLevel.Information, Message = "Link to {Peer} closed: {Reason}")]
    public static partial void PeerDisconnected(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = EventIds.LinkFailed, Level = LogLevel.Error, Message = "Link to {Peer} failed")]
    public static partial void LinkFailed(ILogger logger, string peer, Exception exception);

    [LoggerMessage(EventId = EventIds.PeerStalled, Level = LogLevel.Warning, Message = "Link to {Peer} is dead: the peer stopped reading (a write made no progress for {Seconds} s)")]
    public static partial void PeerStalled(ILogger logger, string peer, double seconds);
}
