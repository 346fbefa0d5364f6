namespace Portway.Adapters.Http;

/// <summary>
/// What reading a request body gave: the bytes (empty when the request had none), or the error to answer with
/// and its HTTP status, or neither when the client went away (nothing to answer).
/// </summary>
public readonly record struct BodyRead(byte[]? Body, PortwayError? Error, int Status)
{
    /// <summary>The client went away while its body was read: nothing to answer.</summary>
    public static BodyRead Gone => default;

    /// <summary>The body was read (empty when the request had none).</summary>
    public static BodyRead Of(byte[] body) => new(body, null, 200);

    /// <summary>The body is refused with <paramref name="error"/>, answered with its taxonomy status.</summary>
    public static BodyRead Fail(PortwayError error) => new(null, error, ErrorCode.ToHttpStatus(error.Code));

    /// <summary>The body is refused with <paramref name="error"/>, answered with <paramref name="status"/> (408 for a stalled body).</summary>
    public static BodyRead Fail(PortwayError error, int status) => new(null, error, status);
}
