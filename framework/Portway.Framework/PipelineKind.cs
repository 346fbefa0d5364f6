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

    /// <summary>
    /// Its sink is a kv stream node (<see cref="Kv.IKvStreamNode"/>, the <c>kv_stream</c> port): opened with
    /// <see cref="IPortwayInvoker.OpenStream"/> like a stream, but without a deadline between items (a watched key
    /// may not change for hours); it ends when the caller goes away or the watch fails.
    /// </summary>
    KvStream,
}
