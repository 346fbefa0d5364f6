namespace Portway;

/// <summary>Thrown by a node (or the runtime) to answer with a taxonomy error.</summary>
public sealed class PortwayException : Exception
{
    /// <summary>Creates the exception for <paramref name="code"/>.</summary>
    public PortwayException(string code, string message) : base(message) => Error = new PortwayError(code, message);

    /// <summary>Creates the exception from an error.</summary>
    public PortwayException(PortwayError error) : base(error.Message) => Error = error;

    /// <summary>Required by the exception pattern; answers <see cref="ErrorCode.Internal"/>.</summary>
    public PortwayException() : this(ErrorCode.Internal, "internal error") { }

    /// <summary>Required by the exception pattern; answers <see cref="ErrorCode.Internal"/>.</summary>
    public PortwayException(string message) : this(ErrorCode.Internal, message) { }

    /// <summary>Required by the exception pattern; answers <see cref="ErrorCode.Internal"/>.</summary>
    public PortwayException(string message, Exception innerException) : base(message, innerException) =>
        Error = new PortwayError(ErrorCode.Internal, message);

    /// <summary>The error to answer with.</summary>
    public PortwayError Error { get; }
}
