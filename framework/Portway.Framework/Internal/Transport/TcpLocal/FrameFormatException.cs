namespace Portway.Internal.Transport.TcpLocal;

/// <summary>The byte stream is not a sequence of well-formed frames; the connection cannot resynchronize.</summary>
internal sealed class FrameFormatException(string message) : Exception(message);
