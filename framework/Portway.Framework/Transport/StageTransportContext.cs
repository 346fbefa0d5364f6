using Portway.Configuration;

namespace Portway.Transport;

/// <summary>What an <see cref="IStageTransportFactory"/> is told about the group it makes a transport for.</summary>
public sealed class StageTransportContext
{
    /// <summary>Creates the context (the runtime does; public for adapter tests).</summary>
    public StageTransportContext(PortwayConfig config, ProcessGroupConfig group, string instanceId, EnvelopeWire wire)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentNullException.ThrowIfNull(wire);
        Config = config;
        Group = group;
        InstanceId = instanceId;
        Wire = wire;
    }

    /// <summary>The whole validated config.</summary>
    public PortwayConfig Config { get; }

    /// <summary>The process group (its name, stages as <c>pipeline.stage</c>, replicas).</summary>
    public ProcessGroupConfig Group { get; }

    /// <summary>This process's name in <c>reply_to</c> (<c>instance/waiter</c>): where answers for it must go.</summary>
    public string InstanceId { get; }

    /// <summary>Signs and encodes envelopes for the wire, and decodes and verifies them, with this process's IPC secret.</summary>
    public EnvelopeWire Wire { get; }
}
