namespace Portway;

/// <summary>Which port serves a pipeline (see <see cref="IPortwayInvoker.GetPipelineKind"/>).</summary>
public enum PipelineKind
{
    /// <summary>No pipeline by that name.</summary>
    NotFound,

    /// <summary>One input, one answer: <see cref="IPortwayInvoker.InvokeAsync"/>.</summary>
    RequestResponse,

    /// <summary>Its sink is a stream node: <see cref="IPortwayInvoker.OpenStream"/>.</summary>
    Stream,
}
