using System.Diagnostics;
using GraphQL;
using GraphQL.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Http;
using Portway.Observability;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// GraphQL over HTTP: <c>POST</c> with a JSON body and <c>GET</c> with <c>?query=</c> (queries only). Checks the
/// transport (method, content type, size, JSON), executes the document against the interface's schema (depth and
/// complexity limits in validation), and answers <c>application/graphql-response+json</c> when the client asks for
/// it (request errors 400) or <c>application/json</c> (request errors 200), per the GraphQL over HTTP spec.
/// </summary>
internal sealed class GraphQLIngress(
    IDocumentExecuter executer,
    IGraphQLTextSerializer serializer,
    IBoundaryEventPublisher telemetry,
    IPortwayStatus drain,
    TimeProvider time,
    IPortwayBoundaryPolicies policies,
    PortwayGauges gauges,
    PortwayTracer tracer,
    ILogger<GraphQLIngress> logger)
{
    public const string InterfaceName = PipelineFieldResolver.InterfaceName;
    public const string GraphQLResponseMediaType = "application/graphql-response+json";
    private const string GraphQLResponseContentType = GraphQLResponseMediaType + "; charset=utf-8";
    private const string JsonContentType = "application/json; charset=utf-8";

    public async Task HandleAsync(HttpContext context, GraphQLEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        var request = context.Request;
        var correlation = RequestCorrelation.From(request);
        var route = request.Method + " " + endpoint.Path;
        using var activity = tracer.StartRequestActivity("portway.request", route, correlation.ParentContext);
        correlation = correlation.WithActivity(activity);
        correlation.Apply(context.Response);
        activity?.SetTag("portway.request_id", correlation.RequestId);
        var graphQLResponse = WantsGraphQLResponse(request);
        var reply = new Reply(context, correlation, route, graphQLResponse);

        if (context.WebSockets.IsWebSocketRequest)
        {
            await AcceptWebSocketAsync(context, endpoint, reply).ConfigureAwait(false);
            return;
        }

        var isGet = HttpMethods.IsGet(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "GET, POST";
            await RejectAsync(reply, new PortwayError(ErrorCode.MethodNotAllowed, $"{request.Method} is not allowed on {endpoint.Path}; allowed: GET, POST")).ConfigureAwait(false);
            return;
        }

        if (drain.IsDraining)
        {
            await RejectAsync(reply, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        GraphQLHttpRequest? parsed;
        string problem;
        if (isGet)
        {
            if (QueryStringUtf8.FirstInvalid(request.QueryString.Value) is { } invalid)
            {
                await RejectAsync(reply, new PortwayError(ErrorCode.ValidationFailed,
                    $"the query-string parameter '{invalid}' is not valid UTF-8 once percent-decoded (%XX must encode UTF-8 bytes)")).ConfigureAwait(false);
                return;
            }

            parsed = GraphQLHttpRequest.FromQueryString(request.Query, serializer, out problem);
        }
        else
        {
            var read = await ReadBodyAsync(context, endpoint).ConfigureAwait(false);
            if (read.Error is { } error)
            {
                await RejectAsync(reply, error, read.Status).ConfigureAwait(false);
                return;
            }

            if (read.Body is not { } body)
            {
                Emit(BoundaryEventKind.EgressFailed, reply, "cancelled");
                return;
            }

            parsed = GraphQLHttpRequest.FromBody(body, serializer, out problem);
        }

        if (parsed is null)
        {
            await RejectAsync(reply, new PortwayError(ErrorCode.ValidationFailed, problem)).ConfigureAwait(false);
            return;
        }

        if (GraphQLDocumentGuard.Check(parsed.Query, endpoint.Config.MaxTokens, endpoint.Config.MaxFields, out var document) is { } tooBig)
        {
            await RejectAsync(reply, tooBig).ConfigureAwait(false);
            return;
        }

        // A bearer token, when sent, must be valid (401 otherwise); without one, fields that need it answer unauthorized,
        // and when every field needs it the request is refused whole.
        var access = GraphQLAccess.Anonymous;
        if (policies.AuthEnabled)
        {
            var required = request.Headers.Authorization.Count > 0 || GraphQLAccess.EveryFieldRequiresAuth(endpoint.Config);
            var admission = required ? await policies.AdmitAsync(context, AuthOnly(endpoint), "").ConfigureAwait(false) : default;
            if (admission.Error is { } refused)
            {
                await RejectAsync(reply, refused).ConfigureAwait(false);
                return;
            }

            access = new GraphQLAccess(policies, admission.Identity ?? CallerIdentity.Anonymous, admission.ExpiresAt, policies.ClientKey(context));
        }

        Emit(BoundaryEventKind.IngressAccepted, reply);
        ExecutionResult result;
        try
        {
            result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Schema = endpoint.Schema,
                Query = parsed.Query,
                Document = document,
                OperationName = parsed.OperationName,
                Variables = parsed.Variables,
                UserContext = new GraphQLCallContext(correlation) { Access = access },
                ValidationRules = RulesFor(endpoint, isGet),
                RequestServices = context.RequestServices,
                CancellationToken = context.RequestAborted,
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Emit(BoundaryEventKind.EgressFailed, reply, "cancelled");
            return;
        }

        PortwayErrorInfoProvider.Classify(result.Errors, correlation.RequestId);
        var firstError = result.Errors is { Count: > 0 } errors ? errors[0] : null;
        var status = StatusCodes.Status200OK;
        if (result.Errors?.Any(e => e is OperationNotAllowedError { TaxonomyCode: ErrorCode.MethodNotAllowed }) == true)
        {
            status = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
        }
        else if (!result.Executed && graphQLResponse)
        {
            status = StatusCodes.Status400BadRequest;
        }

        if (firstError is null)
        {
            Emit(BoundaryEventKind.EgressDelivered, reply);
        }
        else
        {
            var code = PortwayErrorInfoProvider.CodeOf(firstError);
            activity?.SetStatus(ActivityStatusCode.Error, code);
            Emit(BoundaryEventKind.EgressFailed, reply, code);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = graphQLResponse ? GraphQLResponseContentType : JsonContentType;
        try
        {
            await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away after its answer was ready: nothing left to clean up.
        }
    }

    /// <summary>
    /// A WebSocket upgrade: subscriptions (and any operation) over <c>graphql-transport-ws</c>. A client that does
    /// not offer that subprotocol is accepted and closed with 4406; draining refuses the upgrade with 503.
    /// </summary>
    private async Task AcceptWebSocketAsync(HttpContext context, GraphQLEndpoint endpoint, Reply reply)
    {
        if (drain.IsDraining)
        {
            await RejectAsync(reply, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        if (policies.CheckOrigin(context.Request, endpoint.Config.CorsOrigins) is { } refused)
        {
            await RejectAsync(reply, refused).ConfigureAwait(false);
            return;
        }

        if (!endpoint.TryOpenConnection())
        {
            await RejectAsync(reply, new PortwayError(ErrorCode.Unavailable,
                $"{endpoint.Path} has its max_connections ({endpoint.Config.MaxConnections}) WebSocket connections open; try again later")).ConfigureAwait(false);
            return;
        }

        try
        {
            await RunWebSocketAsync(context, endpoint, reply).ConfigureAwait(false);
        }
        finally
        {
            endpoint.CloseConnection();
        }
    }

    /// <summary>
    /// Accepts the upgrade and serves the socket, counted in <c>websocket_connections</c> (as the WebSocket adapter counts
    /// its sockets) from the accept until it ends, however it ends.
    /// </summary>
    private async Task RunWebSocketAsync(HttpContext context, GraphQLEndpoint endpoint, Reply reply)
    {
        var offered = context.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWebSocketSession.SubProtocol, StringComparer.Ordinal);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(offered ? GraphQLWebSocketSession.SubProtocol : null).ConfigureAwait(false);
        gauges.Add(PortwayGauges.WebSocketConnections, 1);
        try
        {
            await ServeWebSocketAsync(context, endpoint, reply, socket, offered).ConfigureAwait(false);
        }
        finally
        {
            gauges.Add(PortwayGauges.WebSocketConnections, -1);
        }
    }

    /// <summary>A client that did not offer <c>graphql-transport-ws</c> gets 4406; the others their session.</summary>
    private async Task ServeWebSocketAsync(HttpContext context, GraphQLEndpoint endpoint, Reply reply, System.Net.WebSockets.WebSocket socket, bool offered)
    {
        if (!offered)
        {
            try
            {
                await socket.CloseAsync((System.Net.WebSockets.WebSocketCloseStatus)GraphQLWsCloseCodes.SubprotocolNotAcceptable,
                    "Subprotocol not acceptable: use graphql-transport-ws", context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
            {
            }

            return;
        }

        var session = new GraphQLWebSocketSession(socket, endpoint, executer, serializer, telemetry, drain, logger, time, reply.Correlation, tracer)
        {
            Policies = policies.AuthEnabled ? policies : null,
            Client = policies.ClientKey(context),
            Gauges = gauges,
        };
        await session.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static AccessPolicy AuthOnly(GraphQLEndpoint endpoint) => new(endpoint.Path, AuthRequired: true, [], TenantFromToken: false, RateLimit: null);

    /// <summary>
    /// True when the client prefers <c>application/graphql-response+json</c> over <c>application/json</c>
    /// (by q-value; a tie goes to the GraphQL media type). No <c>Accept</c> means <c>application/json</c>.
    /// </summary>
    public static bool WantsGraphQLResponse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        double graphQL = 0, json = 0;
        foreach (var media in request.GetTypedHeaders().Accept)
        {
            var quality = media.Quality ?? 1;
            var type = media.MediaType.Value ?? "";
            if (type.Equals(GraphQLResponseMediaType, StringComparison.OrdinalIgnoreCase))
            {
                graphQL = Math.Max(graphQL, quality);
            }
            else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return graphQL > 0 && graphQL >= json;
    }

    private static List<IValidationRule> RulesFor(GraphQLEndpoint endpoint, bool isGet) =>
        [.. DocumentValidator.CoreRules, isGet ? OperationKindRule.ForGet : OperationKindRule.ForPost, endpoint.Limits];

    /// <summary>Reads a POST body within <c>max_body_bytes</c>; neither body nor error when the client went away.</summary>
    private static async Task<BodyRead> ReadBodyAsync(HttpContext context, GraphQLEndpoint endpoint)
    {
        var read = await RequestBody.ReadAsync(context, endpoint.Config.MaxBodyBytes).ConfigureAwait(false);
        return read.Body is { Length: 0 }
            ? BodyRead.Fail(new PortwayError(ErrorCode.ValidationFailed, "the body is empty; send {\"query\": \"...\"}"))
            : read;
    }

    private async Task RejectAsync(Reply reply, PortwayError error, int status = 0)
    {
        Emit(BoundaryEventKind.IngressRejected, reply, error.Code);
        var response = reply.Context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status != 0 ? status : ErrorCode.ToHttpStatus(error.Code);
        response.ContentType = reply.GraphQLResponse ? GraphQLResponseContentType : JsonContentType;
        var body = GraphQLErrorBody.Write(error, reply.Correlation.RequestId);
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    private void Emit(BoundaryEventKind kind, Reply reply, string? code = null) =>
        telemetry.Emit(new BoundaryEvent(kind, reply.Correlation.TraceId, reply.Correlation.RequestId, InterfaceName, reply.Route, Code: code));

    private sealed record Reply(HttpContext Context, RequestCorrelation Correlation, string Route, bool GraphQLResponse);
}
