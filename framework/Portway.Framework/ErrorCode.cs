namespace Portway;

/// <summary>
/// The runtime's error taxonomy. Each code maps to one HTTP status, deterministically
/// (<see cref="ToHttpStatus"/>); other protocols carry the code itself.
/// </summary>
public static class ErrorCode
{
    /// <summary>The input does not have the expected shape (HTTP 400).</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>No or bad credentials (401).</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>Credentials are fine but not enough (403).</summary>
    public const string Forbidden = "forbidden";
    /// <summary>No such route or resource (404).</summary>
    public const string NotFound = "not_found";
    /// <summary>The route exists but not for this method (405).</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>The state does not allow it (409).</summary>
    public const string Conflict = "conflict";
    /// <summary>Body or message over its limit (413).</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>Wrong content type (415).</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
    /// <summary>Over a rate limit (429).</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>A bug or an unexpected failure (500).</summary>
    public const string Internal = "internal";
    /// <summary>An external service the runtime called (an egress) answered with an error (502).</summary>
    public const string BadGateway = "bad_gateway";
    /// <summary>No one can serve it now: draining, worker dead, not ready (503).</summary>
    public const string Unavailable = "unavailable";
    /// <summary>The deadline passed (504).</summary>
    public const string Timeout = "timeout";

    /// <summary>Every code of the taxonomy, in status order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ValidationFailed, Unauthorized, Forbidden, NotFound, MethodNotAllowed, Conflict,
        PayloadTooLarge, UnsupportedMediaType, RateLimited, Internal, BadGateway, Unavailable, Timeout,
    ];

    /// <summary>True when <paramref name="code"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string code) => ToHttpStatusOrZero(code) != 0;

    /// <summary>The HTTP status of a code; an unknown code is an internal error (500).</summary>
    public static int ToHttpStatus(string code)
    {
        var status = ToHttpStatusOrZero(code);
        return status == 0 ? 500 : status;
    }

    private static int ToHttpStatusOrZero(string code) => code switch
    {
        ValidationFailed => 400,
        Unauthorized => 401,
        Forbidden => 403,
        NotFound => 404,
        MethodNotAllowed => 405,
        Conflict => 409,
        PayloadTooLarge => 413,
        UnsupportedMediaType => 415,
        RateLimited => 429,
        Internal => 500,
        BadGateway => 502,
        Unavailable => 503,
        Timeout => 504,
        _ => 0,
    };
}
