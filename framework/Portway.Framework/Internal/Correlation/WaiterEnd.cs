namespace Portway.Internal.Correlation;

/// <summary>How a waiter ended. Every waiter ends exactly once, by one of these.</summary>
internal enum WaiterEnd
{
    /// <summary>Still waiting.</summary>
    Pending = 0,
    /// <summary>The final answer (reply, error or stream end) arrived.</summary>
    Answered,
    /// <summary>The deadline passed.</summary>
    Timeout,
    /// <summary>The caller went away (client disconnect or cancel).</summary>
    CallerCancelled,
    /// <summary>The runtime is shutting down or the executing worker died.</summary>
    Shutdown,
}
