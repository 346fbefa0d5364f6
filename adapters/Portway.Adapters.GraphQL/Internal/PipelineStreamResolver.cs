using GraphQL;
using GraphQL.Resolvers;
using Portway.Internal.Routing;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// The one source-stream resolver of every subscription field: the field's arguments become the input of an
/// envelope for the field's stream pipeline; each stream item becomes one event (mapped onto the field's type by
/// the field's resolver). The stream is opened when graphql-dotnet subscribes and closed when it unsubscribes.
/// </summary>
internal sealed class PipelineStreamResolver(string pipeline, TimeSpan itemTimeout, StreamDispatcher streams) : ISourceStreamResolver
{
    public ValueTask<IObservable<object?>> ResolveAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = (GraphQLCallContext)context.UserContext;
        var envelope = Envelope.CreateRequest(pipeline, call.Correlation.TraceId, call.Correlation.RequestId, call.Correlation.TraceParent, ArgumentsJson.Tenant(context.Arguments), ArgumentsJson.Write(context.Arguments));
        return ValueTask.FromResult<IObservable<object?>>(new PipelineObservable(envelope, itemTimeout, streams, call.WaitForSendRoom, context.CancellationToken));
    }
}
