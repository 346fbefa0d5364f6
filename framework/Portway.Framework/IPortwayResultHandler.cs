namespace Portway;

/// <summary>Receives the one result of a call started with <see cref="IPortwayInvoker.Invoke"/>.</summary>
public interface IPortwayResultHandler
{
    /// <summary>Called exactly once, outside any lock, on the thread that ended the call. Keep it short; never throw.</summary>
    void OnResult(PortwayResult result);
}
