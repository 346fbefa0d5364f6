using Portway.Egress;

namespace Portway.Internal.Egress;

/// <summary>The egress port when no egress adapter is registered: every call is <see cref="ErrorCode.Unavailable"/>.</summary>
internal sealed class NoEgress : IPortwayEgress
{
    public ValueTask<EgressResponse> CallAsync(string egress, EgressRequest request, CancellationToken cancellationToken = default) =>
        throw Refusal(egress);

    public ValueTask SendAsync(string egress, ReadOnlyMemory<byte> message, string traceParent, CancellationToken cancellationToken = default) =>
        throw Refusal(egress);

    private static PortwayException Refusal(string egress) =>
        new(ErrorCode.Unavailable, $"egress '{egress}': no egress adapter is registered (AddPortwayEgress())");
}
