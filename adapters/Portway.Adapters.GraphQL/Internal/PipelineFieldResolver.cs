using System.Text.Json;
using GraphQL;
using GraphQL.Resolvers;
using Portway.Adapters.Http;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// The one resolver of every query and mutation field: the field's arguments become the input of an envelope
/// for the field's pipeline, called through the public port with the interface's <c>timeout_ms</c>, and the JSON
/// answer is mapped onto the field's declared type. An error answer becomes a <see cref="PortwayFieldError"/>.
/// </summary>
internal sealed class PipelineFieldResolver(
    string pipeline,
    TypeShape returns,
    TimeSpan timeout,
    IPortwayInvoker invoker,
    AccessPolicy policy) : IFieldResolver
{
    public const string InterfaceName = "graphql";

    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = (GraphQLCallContext)context.UserContext;
        var tenant = ArgumentsJson.Tenant(context.Arguments);
        var admission = await call.Access.AdmitAsync(policy, tenant).ConfigureAwait(false);
        if (admission.Error is { } refused)
        {
            throw new PortwayFieldError(refused, admission.RetryAfterSeconds);
        }

        using var lease = admission.Lease;
        var result = await invoker.InvokeAsync(new PortwayRequest
        {
            Pipeline = pipeline,
            Input = ArgumentsJson.Write(context.Arguments),
            Timeout = timeout,
            Correlation = new PortwayCorrelation(call.Correlation.TraceId, call.Correlation.RequestId, call.Correlation.TraceParent),
            Tenant = tenant,
            Identity = call.Access.Identity,
            Interface = InterfaceName,
        }, context.CancellationToken).ConfigureAwait(false);
        if (result.CallerCancelled)
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
            answer = JsonSerializer.Deserialize<JsonElement>(result.Output.Span);
        }
        catch (JsonException)
        {
            throw new PortwayFieldError(new PortwayError(ErrorCode.Internal, $"pipeline '{pipeline}' answered malformed JSON"));
        }

        return JsonOutput.Map(answer, returns);
    }

    /// <summary>Creates the resolver of one configured field.</summary>
    public static PipelineFieldResolver For(string name, GraphQLFieldConfig field, InterfaceConfig iface, IPortwayInvoker invoker) =>
        new(field.Pipeline, TypeShape.Parse(field.Returns), TimeSpan.FromMilliseconds(iface.TimeoutMs), invoker, AccessPolicy.For(name, field));
}
