namespace Portway.Internal.Transport.TcpLocal;

/// <summary>The peer sent too many refused frames; the link is closed.</summary>
internal sealed class PeerMisbehavingException(string message) : Exception(message);
