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

    /// <summary>The config version serving now (1 at startup, one more per applied reload).</summary>
    long ConfigVersion { get; }

    /// <summary>When the serving config version was loaded.</summary>
    DateTimeOffset ConfigLoadedAt { get; }

    /// <summary>Requests by outcome (<c>ok</c> or the error code), counted from boundary events, sorted by outcome.</summary>
    IReadOnlyDictionary<string, long> RequestsByOutcome();

    /// <summary>
    /// What the process boundary (the tcp_local listener) refused: <c>refused_connections</c> and
    /// <c>rejected_frames</c>; zero without child processes.
    /// </summary>
    IReadOnlyDictionary<string, long> BoundaryRefusals();
}
