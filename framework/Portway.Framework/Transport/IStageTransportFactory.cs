namespace Portway.Transport;

/// <summary>
/// Provides the transport of the process groups whose <c>execution_ipc.transport</c> is <see cref="Transport"/>
/// (e.g. <c>redis</c>). A driven adapter registers one in DI (<c>services.AddSingleton&lt;IStageTransportFactory, ...&gt;()</c>);
/// the runtime asks it once per such group when it builds its routing. With no factory for the configured transport,
/// the group's stages answer <c>unavailable</c>, and <c>serve</c> refuses to start.
/// </summary>
public interface IStageTransportFactory
{
    /// <summary>The <c>execution_ipc.transport</c> value this factory serves.</summary>
    string Transport { get; }

    /// <summary>The transport that reaches the workers of <see cref="StageTransportContext.Group"/>.</summary>
    IStageTransport Create(StageTransportContext context);
}
