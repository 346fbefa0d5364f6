namespace Portway.Internal.Routing;

/// <summary>
/// What a stage hop that stays in this process (the unsigned memory transport) carries as an object instead of the
/// <c>pipeline</c> / <c>stage</c> / <c>node</c> / <c>traceparent</c> headers: one per compiled stage, shared by its hops,
/// so such a hop needs no header dictionary. A hop that crosses a boundary (or is signed) carries the headers.
/// </summary>
internal sealed class InProcessStage(string pipeline, string stage, string node)
{
    public string Pipeline { get; } = pipeline;

    public string Stage { get; } = stage;

    public string Node { get; } = node;
}
