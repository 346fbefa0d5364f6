using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portway.Configuration;
using Portway.Internal.Correlation;
using Portway.Internal.Lifecycle;
using Portway.Internal.Observability;
using Portway.Internal.Routing;
using Portway.Observability;

namespace Portway.Adapters.Http.Internal;

/// <summary>
/// The http ingress and egress: turns a request for a config-declared endpoint into an envelope,
/// registers a waiter with the endpoint's deadline, dispatches, and writes the one answer back.
/// There is no per-endpoint code: every endpoint of the config goes through <see cref="HandleAsync"/>.
/// </summary>
internal sealed partial class HttpIngress(
    WaiterRegistry waiters,
    RequestDispatcher dispatcher,
    StreamDispatcher streams,
    RoutingTable routes,
    PortwayTelemetry telemetry,
    DrainCoordinator drain)
{
    public const string InterfaceName = "http";

    /// <summary>Handles any method on a path; picks the endpoint by method or answers 405.</summary>
    public Task HandleAsync(HttpContext context, HttpEndpointSet set)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(set);
        if (set.ByMethod.TryGetValue(context.Request.Method, out var endpoint))
        {
            return HandleEndpointAsync(context, endpoint);
        }

        if (HttpMethods.IsHead(context.Request.Method) && set.ByMethod.TryGetValue("GET", out var get))
        {
            return HandleEndpointAsync(context, get);
        }

        context.Response.Headers.Allow = set.Allow;
        return RejectAsync(context, RequestCorrelation.From(context.Request), set.Path,
            new PortwayError(ErrorCode.MethodNotAllowed, $"{context.Request.Method} is not allowed on {set.Path}; allowed: {set.Allow}"));
    }

    /// <summary>Answers a request that matched no endpoint.</summary>
    public Task NotFoundAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RejectAsync(context, RequestCorrelation.From(context.Request), context.Request.Path.Value ?? "/",
            new PortwayError(ErrorCode.NotFound, $"no endpoint for {context.Request.Method} {context.Request.Path}"));
    }

    private async Task HandleEndpointAsync(HttpContext context, EndpointConfig endpoint)
    {
        var request = context.Request;
        var correlation = RequestCorrelation.From(request);
        using var activity = PortwayTelemetry.StartActivity("portway.request", endpoint.Route, ActivityKind.Server, correlation.ParentContext);
        correlation = correlation.WithActivity(activity);
        correlation.Apply(context.Response);
        activity?.SetTag("portway.request_id", correlation.RequestId);
        activity?.SetTag("portway.pipeline", endpoint.Pipeline);

        if (drain.IsDraining)
        {
            await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        byte[]? body = null;
        if (JsonBody.HasBody(request))
        {
            if (request.ContentLength > endpoint.MaxBodyBytes)
            {
                await RejectAsync(context, correlation, endpoint.Route, TooLarge(endpoint)).ConfigureAwait(false);
                return;
            }

            if (!JsonBody.IsJsonContentType(request.ContentType))
            {
                await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.UnsupportedMediaType,
                    $"content type '{request.ContentType}' is not supported; send application/json")).ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = endpoint.MaxBodyBytes + 1L;
            }

            try
            {
                body = await JsonBody.ReadAsync(request.BodyReader, endpoint.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                body = null;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
            {
                Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, "cancelled");
                return;
            }

            if (body is null)
            {
                await RejectAsync(context, correlation, endpoint.Route, TooLarge(endpoint)).ConfigureAwait(false);
                return;
            }

            if (JsonBody.Validate(body) is { } problem)
            {
                await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.ValidationFailed, problem)).ConfigureAwait(false);
                return;
            }
        }

        var values = request.RouteValues;
        if (JsonBody.TakesQuery(request))
        {
            if (JsonBody.WithQuery(values, request.Query, out var queryProblem) is not { } withQuery)
            {
                await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.ValidationFailed, queryProblem!)).ConfigureAwait(false);
                return;
            }

            values = withQuery;
        }

        if (JsonBody.Shape(body, values) is not { } payload)
        {
            await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.ValidationFailed,
                "the body must be a JSON object on a route with parameters")).ConfigureAwait(false);
            return;
        }

        var tenant = request.RouteValues.TryGetValue("tenant", out var t) ? t as string ?? "" : "";
        var envelope = Envelope.CreateRequest(endpoint.Pipeline, correlation.TraceId, correlation.RequestId, correlation.TraceParent, tenant, payload);

        if (routes.TryGet(endpoint.Pipeline, out var compiled) && compiled.IsStream)
        {
            await StreamAsync(context, endpoint, envelope, correlation, activity).ConfigureAwait(false);
            return;
        }

        var waiter = waiters.RegisterReply(TimeSpan.FromMilliseconds(endpoint.TimeoutMs), context.RequestAborted);
        Emit(BoundaryEventKind.IngressAccepted, correlation, endpoint.Route);
        dispatcher.Dispatch(envelope, waiter, InterfaceName);
        var result = await waiter.Task.ConfigureAwait(false);

        if (result.End == WaiterEnd.CallerCancelled)
        {
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, "cancelled");
            return;
        }

        if (result.Error is { } error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, error.Code);
            await WriteErrorAsync(context, correlation, error).ConfigureAwait(false);
            return;
        }

        var answer = result.Answer!;
        Emit(BoundaryEventKind.EgressDelivered, correlation, endpoint.Route);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Payload.Length;
        try
        {
            await context.Response.Body.WriteAsync(answer.Payload, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away after its answer was ready: nothing left to clean up.
        }
    }

    private static PortwayError TooLarge(EndpointConfig endpoint) =>
        new(ErrorCode.PayloadTooLarge, $"the body is over max_body_bytes ({endpoint.MaxBodyBytes})");

    private Task RejectAsync(HttpContext context, RequestCorrelation correlation, string route, PortwayError error)
    {
        Emit(BoundaryEventKind.IngressRejected, correlation, route, error.Code);
        return WriteErrorAsync(context, correlation, error);
    }

    private static async Task WriteErrorAsync(HttpContext context, RequestCorrelation correlation, PortwayError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        correlation.Apply(context.Response);
        try
        {
            await HttpErrorWriter.WriteAsync(context.Response, error, correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    private void Emit(BoundaryEventKind kind, RequestCorrelation correlation, string route, string? code = null) =>
        telemetry.Emit(new BoundaryEvent(kind, correlation.TraceId, correlation.RequestId, InterfaceName, route, Code: code));
}
