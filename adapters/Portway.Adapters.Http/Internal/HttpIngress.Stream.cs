using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.Http.Internal;

internal sealed partial class HttpIngress
{
    /// <summary>
    /// Answers a stream pipeline: NDJSON (one item per line), or <c>text/event-stream</c> when the client's
    /// <c>Accept</c> names it. Each item is flushed as it comes. The status and headers go out with the first
    /// item, so an error before any item is a normal error response; an error after items is a last frame. The
    /// client going away cancels the pipeline.
    /// </summary>
    private async Task StreamAsync(HttpContext context, EndpointConfig endpoint, PortwayRequest call, RequestCorrelation correlation, Activity? activity)
    {
        var format = StreamFormat.Negotiate(context.Request.Headers.Accept);
        var stream = invoker.OpenStream(call, context.RequestAborted);
        Emit(BoundaryEventKind.IngressAccepted, correlation, endpoint.Route);
        var response = context.Response;
        var body = response.BodyWriter;
        var started = false;
        try
        {
            if (invoker.GetPipelineKind(endpoint.Pipeline) == PipelineKind.KvStream)
            {
                // A kv watch may wait long for its first change: the headers (200) go out at once, so the client
                // knows it is subscribed; an error then comes as the last frame.
                Start(response, format);
                started = true;
                await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }

            while (await stream.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.TryRead(out var item))
                {
                    if (!started)
                    {
                        Start(response, format);
                        started = true;
                    }

                    format.WriteItem(body, item.Span);
                }

                var flushed = await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    stream.Cancel();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            stream.Cancel();
            while (stream.TryRead(out _))
            {
                // Ended: what is left unread is dropped.
            }
        }

        var result = stream.Result;
        if (result.CallerCancelled)
        {
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, "cancelled");
            return;
        }

        var error = result.Error;
        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, error.Code);
            if (!started)
            {
                await WriteErrorAsync(context, correlation, error).ConfigureAwait(false);
                return;
            }

            format.WriteError(body, HttpErrorWriter.ToBody(error, correlation.RequestId, correlation.TraceId));
        }
        else
        {
            Emit(BoundaryEventKind.EgressDelivered, correlation, endpoint.Route);
            if (!started) Start(response, format);
            format.WriteEnd(body);
        }

        try
        {
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away after the last frame was ready: nothing left to clean up.
        }
    }

    private static void Start(HttpResponse response, StreamFormat format)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format.ContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
    }
}
