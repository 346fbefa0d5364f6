using System.Collections.Concurrent;
using Portway.Egress;

namespace Portway.Pipelines.Tests.Batches;

/// <summary>The egress port as a recorder: every call kept, answered 204 (the adapter itself is tested against real peers).</summary>
internal sealed class RecordingEgress : IPortwayEgress
{
    public ConcurrentQueue<(string Egress, EgressRequest Request)> Calls { get; } = new();

    public ValueTask<EgressResponse> CallAsync(string egress, EgressRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((egress, request));
        return ValueTask.FromResult(new EgressResponse { StatusCode = 204, Body = ReadOnlyMemory<byte>.Empty });
    }

    public ValueTask SendAsync(string egress, ReadOnlyMemory<byte> message, string traceParent, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
