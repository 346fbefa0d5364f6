using System.Text.Json;
using GraphQL;
using GraphQL.Resolvers;
using Portway.Configuration;
using Portway.Internal.Correlation;
using Portway.Internal.Routing;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// The one resolver of every query and mutation field: the field's arguments become the input of an envelope
/// for the field's pipeline, a waiter with the interface's <c>timeout_ms</c> waits for the answer, and the JSON
/// answer is mapped onto the field's declared type. An error answer becomes a <see cref="PortwayFieldError"/>.
/// </summary>
internal sealed class PipelineFieldResolver(
    string pipeline,
    TypeShape returns,
    TimeSpan timeout,
    WaiterRegistry waiters,
    RequestDispatcher dispatcher) : IFieldResolver
{
    public const string InterfaceName = "graphql";

    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = (GraphQLCallContext)context.UserContext;
        var envelope = Envelope.CreateRequest(pipeline, call.Correlation.TraceId, call.Correlation.RequestId, call.Correlation.TraceParent, ArgumentsJson.Tenant(context.Arguments), ArgumentsJson.Write(context.Arguments));

        var waiter = waiters.RegisterReply(timeout, context.CancellationToken);
        dispatcher.Dispatch(envelope, waiter, InterfaceName);
        var result = await waiter.Task.ConfigureAwait(false);
        if (result.End == WaiterEnd.CallerCancelled)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
        }

        if (result.Error is { } error)
        {
            throw new PortwayFieldError(error);
        }

        JsonElement answer;
        try
        {
            answer = JsonSerializer.Deserialize<JsonElement>(result.Answer!.Payload.Span);
        }
        catch (JsonException)
        {
            throw new PortwayFieldError(new PortwayError(ErrorCode.Internal, $"pipeline '{pipeline}' answered malformed JSON"));
        }

        return JsonOutput.Map(answer, returns);
    }

    /// <summary>Creates the resolver of one configured field.</summary>
    public static PipelineFieldResolver For(GraphQLFieldConfig field, InterfaceConfig iface, WaiterRegistry waiters, RequestDispatcher dispatcher) =>
        new(field.Pipeline, TypeShape.Parse(field.Returns), TimeSpan.FromMilliseconds(iface.TimeoutMs), waiters, dispatcher);
}
