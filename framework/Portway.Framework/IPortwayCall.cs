namespace Portway;

/// <summary>A call in flight (see <see cref="IPortwayInvoker.Invoke"/>).</summary>
public interface IPortwayCall
{
    /// <summary>
    /// Ends the call as cancelled by the caller, unless it already ended: its pipeline is cancelled and its result
    /// says <see cref="PortwayResult.CallerCancelled"/>. Safe to call any number of times, from any thread.
    /// </summary>
    void Cancel();
}
