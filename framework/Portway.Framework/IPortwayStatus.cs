namespace Portway;

/// <summary>The runtime's state as adapters and health endpoints read it.</summary>
public interface IPortwayStatus
{
    /// <summary>True once the host began stopping: new calls are refused with <see cref="ErrorCode.Unavailable"/>.</summary>
    bool IsDraining { get; }

    /// <summary>Cancelled when draining ended (every call done, or the drain timed out): close long-lived connections then.</summary>
    CancellationToken Drained { get; }

    /// <summary>Calls in flight now (request/response and streams); returns to zero when traffic stops.</summary>
    int PendingCalls { get; }

    /// <summary>Requests by outcome (<c>ok</c> or the error code), counted from boundary events, sorted by outcome.</summary>
    IReadOnlyDictionary<string, long> RequestsByOutcome();

    /// <summary>Connections the process boundary (tcp_local listener) refused: no or a wrong admission token, no valid hello.</summary>
    long RefusedIpcConnections { get; }

    /// <summary>Frames the process boundary rejected: bad signature, stale, replayed, malformed.</summary>
    long RejectedIpcFrames { get; }
}
