using GraphQL;
using GraphQL.Resolvers;
using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// The one source-stream resolver of every subscription field: the field's arguments become the input of an
/// envelope for the field's stream pipeline; each stream item becomes one event (mapped onto the field's type by
/// the field's resolver). The stream is opened when graphql-dotnet subscribes and closed when it unsubscribes;
/// a <c>concurrency</c> rate limit's permit is held until then.
/// </summary>
internal sealed class PipelineStreamResolver(string pipeline, TimeSpan itemTimeout, IPortwayInvoker invoker, AccessPolicy policy) : ISourceStreamResolver
{
    public ValueTask<IObservable<object?>> ResolveAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = (GraphQLCallContext)context.UserContext;
        var tenant = ArgumentsJson.Tenant(context.Arguments);

        // A concurrency permit is held for the subscription's life (see SubscriptionLease).
        var admission = call.Access.Admit(policy, tenant);
        if (admission.Error is { } refused)
        {
            throw new PortwayFieldError(refused, admission.RetryAfterSeconds);
        }

        var lease = new SubscriptionLease(admission.Lease, context.CancellationToken);

        var request = new PortwayRequest
        {
            Pipeline = pipeline,
            Input = ArgumentsJson.Write(context.Arguments),
            Timeout = itemTimeout,
            Correlation = new PortwayCorrelation(call.Correlation.TraceId, call.Correlation.RequestId, call.Correlation.TraceParent),
            Tenant = tenant,
            Identity = call.Access.Identity,
            Interface = PipelineFieldResolver.InterfaceName,
        };
        return ValueTask.FromResult<IObservable<object?>>(new PipelineObservable(request, invoker, call.WaitForSendRoom, context.CancellationToken, lease));
    }
}
