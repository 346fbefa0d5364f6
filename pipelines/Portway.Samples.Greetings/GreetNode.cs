using Microsoft.Extensions.Options;
using Portway.Nodes;

namespace Portway.Samples.Greetings;

/// <summary>
/// <c>greetings.greet</c>: <c>{"name"}</c> → <c>{"greeting","count","pid","caller"}</c>. <c>pid</c> says which process ran
/// it (a worker's, when the stage runs in a tcp_local child); <c>caller</c> is the authenticated subject, if any.
/// </summary>
[PortwayNode("greetings.greet")]
public sealed class GreetNode(IOptions<GreetingOptions> options, GreetingCounter counter) : Node<GreetNode.Input, GreetNode.Output>
{
    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return ValueTask.FromResult<NodeOutcome<Output>>(new PortwayError(ErrorCode.ValidationFailed, "name is required"));
        }

        var greeting = $"{options.Value.Salutation}, {input.Name}!";
        return ValueTask.FromResult<NodeOutcome<Output>>(new Output(greeting, counter.Next(), Environment.ProcessId, context.Identity.Subject));
    }

    /// <summary>The input: who to greet.</summary>
    public sealed record Input(string? Name);

    /// <summary>The answer.</summary>
    public sealed record Output(string Greeting, long Count, int Pid, string Caller);
}
