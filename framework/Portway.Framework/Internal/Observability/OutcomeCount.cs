namespace Portway.Internal.Observability;

/// <summary>How many requests of one endpoint ended with one outcome, and the tags its metrics carry (built once).</summary>
internal sealed class OutcomeCount(string @interface, string route, string outcome)
{
    public const string Ok = "ok";

    /// <summary>The count; bumped with <see cref="Interlocked"/>.</summary>
    public long Value;

    /// <summary><c>interface</c>, <c>endpoint</c>, <c>outcome</c>: the tags of <c>portway.requests</c> and <c>portway.request.duration</c>.</summary>
    public KeyValuePair<string, object?>[] Tags { get; } =
    [
        new("interface", @interface),
        new("endpoint", route),
        new("outcome", outcome),
    ];
}
