using System.Collections.Concurrent;
using System.Text.Json;
using Portway.Nodes;

namespace Portway.PublicApi.Tests.Embedding;

/// <summary>Records each <see cref="ScopedThing"/>: made, and disposed.</summary>
public sealed class ScopedLedger
{
    public ConcurrentQueue<Guid> Created { get; } = new();

    public ConcurrentQueue<Guid> Disposed { get; } = new();
}

/// <summary>A scoped dependency (what a DbContext would be): one per invocation, disposed when it ends.</summary>
public sealed class ScopedThing : IDisposable
{
    private readonly ScopedLedger _ledger;

    public ScopedThing(ScopedLedger ledger)
    {
        _ledger = ledger;
        ledger.Created.Enqueue(Id);
    }

    public Guid Id { get; } = Guid.NewGuid();

    public void Dispose() => _ledger.Disposed.Enqueue(Id);
}

/// <summary><c>app.greet</c>: <c>{"name"}</c> → <c>{"greeting","scoped_id"}</c>, using a scoped dependency.</summary>
[PortwayNode("app.greet")]
public sealed class GreetNode(ScopedThing thing) : Node<GreetNode.Input, GreetNode.Output>
{
    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<Output>>(new Output("hello, " + input.Name, thing.Id));

    public sealed record Input(string Name);

    public sealed record Output(string Greeting, Guid ScopedId);
}

/// <summary><c>app.who</c>: answers what the node is told about the caller and the deadline.</summary>
[PortwayNode("app.who", Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class WhoNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["subject"] = context.Identity.Subject,
            ["scopes"] = context.Identity.Scopes,
            ["tenant"] = context.Tenant,
            ["deadline"] = context.Deadline,
            ["request_id"] = context.RequestId,
        })));
}

/// <summary>Something nobody registered.</summary>
public interface IMissingService
{
}

/// <summary><c>app.broken</c>: needs <see cref="IMissingService"/>, which DI cannot give.</summary>
[PortwayNode("app.broken")]
public sealed class BrokenNode(IMissingService missing) : INode
{
    public IMissingService Missing { get; } = missing;

    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(context.Input));
}
