using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portway.Adapters.Http.Internal;

namespace Portway.Adapters.Http;

/// <summary>
/// Reads a request's JSON body for any ingress (http endpoints, GraphQL POST), whatever framing carries it:
/// Content-Length, chunked, or HTTP/2 DATA frames without a length. A body that cannot be read (bad chunk framing,
/// shorter than its Content-Length) is <c>validation_failed</c> (400); a body that stalls under Kestrel's minimum
/// data rate is 408; a body that is not UTF-8 or not one JSON value is <c>validation_failed</c>.
/// </summary>
public static class RequestBody
{
    /// <summary>Reads the request's body, at most <paramref name="maxBytes"/> bytes, as one JSON value (or empty).</summary>
    public static async ValueTask<BodyRead> ReadAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (!CanHaveBody(context))
        {
            return BodyRead.Of([]);
        }

        if (request.ContentLength > maxBytes)
        {
            return BodyRead.Fail(TooLarge(maxBytes));
        }

        if (request.ContentType is not null && !JsonBody.IsJsonContentType(request.ContentType))
        {
            return BodyRead.Fail(UnsupportedMediaType(request.ContentType));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        byte[]? body;
        try
        {
            body = await JsonBody.ReadAsync(request.BodyReader, maxBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return BodyRead.Fail(new PortwayError(ErrorCode.Timeout, "the request body stalled: it came slower than the server's minimum data rate"),
                StatusCodes.Status408RequestTimeout);
        }
        catch (BadHttpRequestException ex)
        {
            return BodyRead.Fail(new PortwayError(ErrorCode.ValidationFailed, $"the request body could not be read: {ex.Message}"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return BodyRead.Gone;
        }

        if (body is null)
        {
            return BodyRead.Fail(TooLarge(maxBytes));
        }

        if (body.Length == 0)
        {
            return BodyRead.Of(body);
        }

        if (request.ContentType is null)
        {
            return BodyRead.Fail(UnsupportedMediaType(null));
        }

        return JsonBody.Validate(body) is { } problem
            ? BodyRead.Fail(new PortwayError(ErrorCode.ValidationFailed, problem))
            : BodyRead.Of(body);
    }

    /// <summary>
    /// True when the request may carry a body: Kestrel knows (a Content-Length over 0, chunked, or an HTTP/2 stream
    /// not ended with its headers); other servers fall back to the headers.
    /// </summary>
    public static bool CanHaveBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? JsonBody.HasBody(context.Request);

    private static PortwayError TooLarge(int max) => new(ErrorCode.PayloadTooLarge, $"the body is over max_body_bytes ({max})");

    private static PortwayError UnsupportedMediaType(string? contentType) => new(ErrorCode.UnsupportedMediaType,
        $"content type '{contentType}' is not supported; send application/json");
}
