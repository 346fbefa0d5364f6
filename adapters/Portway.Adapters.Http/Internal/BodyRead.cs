namespace Portway.Adapters.Http.Internal;

/// <summary>
/// What reading a request body gave: the bytes (empty when the request had none), or the error to answer with
/// and its HTTP status, or neither when the client went away (nothing to answer).
/// </summary>
internal readonly record struct BodyRead(byte[]? Body, PortwayError? Error, int Status)
{
    public static BodyRead Gone => default;

    public static BodyRead Of(byte[] body) => new(body, null, 200);

    public static BodyRead Fail(PortwayError error) => new(null, error, ErrorCode.ToHttpStatus(error.Code));

    public static BodyRead Fail(PortwayError error, int status) => new(null, error, status);
}
