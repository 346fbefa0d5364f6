using GraphQL.Validation;
using GraphQLParser.AST;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Refuses operations the transport cannot carry: mutations over GET (the GraphQL over HTTP spec answers 405)
/// and subscriptions over plain HTTP (they are served over WebSocket, where every operation is allowed).
/// </summary>
internal sealed class OperationKindRule(bool allowMutation, bool allowSubscription) : ValidationRuleBase
{
    public static OperationKindRule ForGet { get; } = new(allowMutation: false, allowSubscription: false);

    public static OperationKindRule ForPost { get; } = new(allowMutation: true, allowSubscription: false);

    public static OperationKindRule ForWebSocket { get; } = new(allowMutation: true, allowSubscription: true);

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var operation = context.Operation;
        if (operation.Operation == OperationType.Mutation && !allowMutation)
        {
            context.ReportError(new OperationNotAllowedError(context, ErrorCode.MethodNotAllowed,
                "mutations are not allowed over GET; send them with POST"));
        }
        else if (operation.Operation == OperationType.Subscription && !allowSubscription)
        {
            context.ReportError(new OperationNotAllowedError(context, ErrorCode.ValidationFailed,
                "subscriptions are served over WebSocket (subprotocol graphql-transport-ws), not plain HTTP"));
        }

        return default;
    }
}
