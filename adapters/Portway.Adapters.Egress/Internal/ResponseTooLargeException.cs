namespace Portway.Adapters.Egress.Internal;

/// <summary>An upstream body over the egress's <c>max_response_bytes</c> (not transient: never retried).</summary>
internal sealed class ResponseTooLargeException : Exception
{
    public ResponseTooLargeException(long limit) : base($"the response body is over {limit} bytes") => Limit = limit;

    public ResponseTooLargeException() : this(0) { }

    public ResponseTooLargeException(string message) : base(message) { }

    public ResponseTooLargeException(string message, Exception innerException) : base(message, innerException) { }

    public long Limit { get; }
}
