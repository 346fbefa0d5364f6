using GraphQL;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// A field's taxonomy error, shown in <c>errors[]</c> with <c>extensions.code</c> = <see cref="PortwayError.Code"/>
/// (and, for a rate limit, <c>extensions.retry_after_s</c>).
/// </summary>
internal sealed class PortwayFieldError : ExecutionError
{
    public PortwayFieldError(PortwayError error, int retryAfterSeconds = 0)
        : base(error.Message)
    {
        Code = error.Code;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>Seconds until a <c>rate_limited</c> field may be asked again; 0 when not told.</summary>
    public int RetryAfterSeconds { get; }
}
