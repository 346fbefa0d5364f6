using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Http;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// The websocket ingress: accepts an upgrade on a config-declared endpoint and runs the connection. There is no
/// per-endpoint code: every websocket endpoint of the config goes through <see cref="HandleAsync"/>.
/// </summary>
internal sealed class WebSocketIngress(
    IPortwayInvoker invoker,
    IBoundaryEventPublisher telemetry,
    IPortwayStatus status,
    TimeProvider time,
    WebSocketConnections connections,
    IPortwayBoundaryPolicies policies,
    PortwayTracer tracer,
    ILogger<WebSocketIngress> logger)
{
    public const string InterfaceName = "websocket";

    public IPortwayInvoker Invoker => invoker;

    public IBoundaryEventPublisher Telemetry => telemetry;

    public IPortwayStatus Status => status;

    public TimeProvider Time => time;

    public PortwayTracer Tracer => tracer;

    public ILogger Logger => logger;

    public WebSocketConnections Connections => connections;

    /// <summary>Handles an upgrade on <paramref name="endpoint"/>; <paramref name="origins"/> are its interface's <c>cors.origins</c>.</summary>
    public async Task HandleAsync(HttpContext context, EndpointConfig endpoint, IReadOnlyList<string> origins)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        var correlation = RequestCorrelation.From(context.Request);
        correlation.Apply(context.Response);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RejectAsync(context, correlation, endpoint, new PortwayError(ErrorCode.ValidationFailed,
                $"{endpoint.Path} takes WebSocket connections only (GET with Upgrade: websocket)")).ConfigureAwait(false);
            return;
        }

        if (status.IsDraining)
        {
            await RejectAsync(context, correlation, endpoint, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        if (policies.CheckOrigin(context.Request, origins) is { } refused)
        {
            await RejectAsync(context, correlation, endpoint, refused).ConfigureAwait(false);
            return;
        }

        if (!connections.TryReserve(endpoint))
        {
            await RejectAsync(context, correlation, endpoint, new PortwayError(ErrorCode.Unavailable,
                $"{endpoint.Path} has its max_connections ({endpoint.MaxConnections}) open; try again later")).ConfigureAwait(false);
            return;
        }

        // Authenticated at the upgrade (Authorization header, or access_token for browsers); a refusal is an HTTP answer.
        // An endpoint open to anonymous callers whose operations need a token authenticates a token when one is sent.
        var access = EndpointAccess.For(endpoint);
        var admission = default(Admission);
        if (access.Endpoint.AuthRequired || (access.AnyRequiresToken && SendsToken(context.Request)))
        {
            admission = await policies.AdmitAsync(context, access.Endpoint with { AuthRequired = true, Scopes = [], TenantFromToken = false, RateLimit = null }, "").ConfigureAwait(false);
            if (admission.Error is { } unauthenticated)
            {
                await RejectAsync(context, correlation, endpoint, unauthenticated).ConfigureAwait(false);
                return;
            }
        }

        using var policy = new SocketPolicy(policies, access, admission.Identity ?? CallerIdentity.Anonymous, admission.ExpiresAt, policies.ClientKey(context),
            endpoint.MessageRate is { } rate ? policies.CreateLimiter(rate) : null);
        try
        {
            var ping = TimeSpan.FromMilliseconds(endpoint.PingIntervalMs);
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = ping,
                KeepAliveTimeout = ping,
            }).ConfigureAwait(false);
            using var connection = new WebSocketConnection(socket, endpoint, this, correlation, policy);
            WebSocketLog.Opened(logger, endpoint.Path, correlation.RequestId);
            var id = connections.Add(connection);
            try
            {
                await connection.RunAsync().ConfigureAwait(false);
            }
            finally
            {
                connections.Remove(id);
            }
        }
        finally
        {
            connections.Release(endpoint);
        }
    }

    private static bool SendsToken(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Query.ContainsKey("access_token");

    private Task RejectAsync(HttpContext context, RequestCorrelation correlation, EndpointConfig endpoint, PortwayError error)
    {
        telemetry.Emit(new BoundaryEvent(BoundaryEventKind.IngressRejected, correlation.TraceId, correlation.RequestId, InterfaceName, endpoint.Route, Code: error.Code));
        return HttpErrorWriter.WriteAsync(context.Response, error, correlation.RequestId, correlation.TraceId);
    }
}
