using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.Http.Internal;

/// <summary>
/// The http ingress and egress: turns a request for a config-declared endpoint into a call of its pipeline
/// through the public port (<see cref="IPortwayInvoker"/>) with the endpoint's deadline, and writes the one answer back.
/// There is no per-endpoint code: every endpoint of the config goes through <see cref="HandleAsync"/>.
/// </summary>
internal sealed partial class HttpIngress(
    IPortwayInvoker invoker,
    IBoundaryEventPublisher telemetry,
    IPortwayStatus status,
    BoundaryPolicies policies,
    ResponseCache cache,
    TimeProvider time,
    PortwayTracer tracer)
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

        if (HttpMethods.IsHead(context.Request.Method) && set.ByMethod.TryGetValue(HttpMethods.Get, out var get))
        {
            return HandleEndpointAsync(context, get);
        }

        return MethodNotAllowedAsync(context, set.Path, set.Allow);
    }

    /// <summary>Answers 405 <c>method_not_allowed</c> with <c>Allow</c>, in the error format.</summary>
    public Task MethodNotAllowedAsync(HttpContext context, string path, string allow)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.Allow = allow;
        return RejectAsync(context, RequestCorrelation.From(context.Request), path,
            new PortwayError(ErrorCode.MethodNotAllowed, $"{context.Request.Method} is not allowed on {path}; allowed: {allow}"));
    }

    /// <summary>Answers a request that matched no endpoint.</summary>
    public Task NotFoundAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RejectAsync(context, RequestCorrelation.From(context.Request), context.Request.Path.Value ?? "/",
            new PortwayError(ErrorCode.NotFound, $"no endpoint for {context.Request.Method} {context.Request.Path}"));
    }

    private async Task HandleEndpointAsync(HttpContext context, HttpEndpoint route)
    {
        var endpoint = route.Config;
        var request = context.Request;
        var correlation = RequestCorrelation.From(request);
        using var activity = tracer.StartRequestActivity("portway.request", endpoint.Route, correlation.ParentContext);
        correlation = correlation.WithActivity(activity);
        correlation.Apply(context.Response);
        activity?.SetTag("portway.request_id", correlation.RequestId);
        activity?.SetTag("portway.pipeline", endpoint.Pipeline);

        if (status.IsDraining)
        {
            await RejectAsync(context, correlation, endpoint.Route, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        object? t = null;
        var tenant = request.RouteValues.Count > 0 && request.RouteValues.TryGetValue("tenant", out t) ? t as string ?? "" : "";
        var policy = route.Policy;

        // tenant: from_token on a route without {tenant} binds the input's "tenant" (body or query): checked once read.
        var inputTenant = policy.TenantFromToken && t is null;
        var admission = policy.IsOpen ? Admission.Open
            : await policies.AdmitAsync(context, inputTenant ? policy with { TenantFromToken = false } : policy, tenant).ConfigureAwait(false);
        if (admission.Error is { } refused)
        {
            await RejectAsync(context, correlation, endpoint.Route, refused).ConfigureAwait(false);
            return;
        }

        using var lease = admission.Lease;
        var read = await RequestBody.ReadAsync(context, endpoint.MaxBodyBytes).ConfigureAwait(false);
        if (read.Error is { } unreadable)
        {
            await RejectAsync(context, correlation, endpoint.Route, unreadable, read.Status).ConfigureAwait(false);
            return;
        }

        if (read.Body is not { } body)
        {
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, "cancelled");
            return;
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

        if (inputTenant)
        {
            tenant = BoundaryPolicies.TenantOf(payload.Span);
            if (policies.CheckTenant(admission.Identity, tenant) is { } wrongTenant)
            {
                await RejectAsync(context, correlation, endpoint.Route, wrongTenant).ConfigureAwait(false);
                return;
            }
        }

        var cacheKey = endpoint.Cache is null ? null : ResponseCache.Key(endpoint, admission.Identity, tenant, payload);
        if (cacheKey is not null && await cache.TryServeAsync(context, endpoint, cacheKey).ConfigureAwait(false))
        {
            Emit(BoundaryEventKind.EgressDelivered, correlation, endpoint.Route, "cached");
            return;
        }

        var call = new PortwayRequest
        {
            Pipeline = endpoint.Pipeline,
            Input = payload,
            Timeout = route.Timeout,
            Correlation = new PortwayCorrelation(correlation.TraceId, correlation.RequestId, correlation.TraceParent),
            Tenant = tenant,
            Identity = admission.Identity,
            Interface = InterfaceName,
        };

        if (invoker.GetPipelineKind(endpoint.Pipeline) is PipelineKind.Stream or PipelineKind.KvStream)
        {
            await StreamAsync(context, endpoint, call, correlation, activity).ConfigureAwait(false);
            return;
        }

        // The start travels with the request's events: the stats measure the latency from it, with no lookup by request id.
        var accepted = time.GetTimestamp();
        Emit(BoundaryEventKind.IngressAccepted, correlation, endpoint.Route, accepted: accepted);
        var result = await invoker.InvokeAsync(call, context.RequestAborted).ConfigureAwait(false);

        if (result.CallerCancelled)
        {
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, "cancelled", accepted);
            return;
        }

        if (result.Error is { } error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            Emit(BoundaryEventKind.EgressFailed, correlation, endpoint.Route, error.Code, accepted);
            await WriteErrorAsync(context, correlation, error).ConfigureAwait(false);
            return;
        }

        var output = result.Output;
        Emit(BoundaryEventKind.EgressDelivered, correlation, endpoint.Route, accepted: accepted);
        if (cacheKey is not null)
        {
            await cache.StoreAsync(context, endpoint, cacheKey, admission.Identity.Tenant, output).ConfigureAwait(false);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.Length;
        try
        {
            await context.Response.Body.WriteAsync(output, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away after its answer was ready: nothing left to clean up.
        }
    }

    private Task RejectAsync(HttpContext context, RequestCorrelation correlation, string route, PortwayError error, int status = 0)
    {
        Emit(BoundaryEventKind.IngressRejected, correlation, route, error.Code);
        return WriteErrorAsync(context, correlation, error, status);
    }

    private static async Task WriteErrorAsync(HttpContext context, RequestCorrelation correlation, PortwayError error, int status = 0)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        correlation.Apply(context.Response);
        try
        {
            await HttpErrorWriter.WriteAsync(context.Response, error, correlation.RequestId, correlation.TraceId, status).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    private void Emit(BoundaryEventKind kind, RequestCorrelation correlation, string route, string? code = null, long accepted = 0) =>
        telemetry.Emit(new BoundaryEvent(kind, correlation.TraceId, correlation.RequestId, InterfaceName, route, Code: code) { AcceptedTimestamp = accepted });
}
