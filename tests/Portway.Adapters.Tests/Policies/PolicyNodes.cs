using System.Text.Json;
using Portway.Nodes;

namespace Portway.Adapters.Tests.Policies;

/// <summary>Counts the times a policy-tested node ran (to assert that a refused request runs none).</summary>
internal sealed class NodeRuns
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

/// <summary><c>test.identity</c>: answers the identity and tenant the node was given, and how many times it has run.</summary>
internal sealed class IdentityNode(NodeRuns runs) : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        runs.Add();
        var answer = new Dictionary<string, object?>
        {
            ["subject"] = context.Identity.Subject,
            ["identity_tenant"] = context.Identity.Tenant,
            ["scopes"] = context.Identity.Scopes,
            ["tenant"] = context.Tenant,
            ["runs"] = runs.Count,
            ["input"] = JsonSerializer.Deserialize<JsonElement>(context.Input.Span),
        };
        return ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(answer)));
    }
}
