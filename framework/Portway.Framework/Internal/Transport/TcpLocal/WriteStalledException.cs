namespace Portway.Internal.Transport.TcpLocal;

/// <summary>A write to the peer made no progress for the link's write stall deadline: the peer stopped reading.</summary>
internal sealed class WriteStalledException : Exception;
