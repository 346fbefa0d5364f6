namespace Portway.Transport;

/// <summary>
/// What a transport knows of the workers of the process groups it serves, for <c>/stats</c> and the dashboard. A driven
/// adapter whose workers may run anywhere (redis) registers one in DI beside its <see cref="IStageTransportFactory"/>
/// (<c>services.AddSingleton&lt;IProcessGroupStatus, ...&gt;()</c>); tcp_local's workers are the host's own children and
/// the runtime reports them itself.
/// </summary>
public interface IProcessGroupStatus
{
    /// <summary>The <c>execution_ipc.transport</c> value this reports for.</summary>
    string Transport { get; }

    /// <summary>The workers of <paramref name="group"/> as this host sees them now. Must be quick and must not throw.</summary>
    ProcessGroupWorkers Workers(string group);
}
