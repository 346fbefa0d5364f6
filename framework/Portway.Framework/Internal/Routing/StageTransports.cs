using System.Collections.Concurrent;
using Portway.Configuration;
using Portway.Transport;

namespace Portway.Internal.Routing;

/// <summary>Which transport reaches each process group. The web group is this process (memory transport).</summary>
internal sealed class StageTransports
{
    private readonly ConcurrentDictionary<string, IStageTransport> _byGroup = new(StringComparer.Ordinal);

    public StageTransports(MemoryStageTransport memory) => _byGroup[ProcessGroupConfig.WebGroup] = memory;

    /// <summary>Routes the stages of <paramref name="group"/> through <paramref name="transport"/>.</summary>
    public void Register(string group, IStageTransport transport) => _byGroup[group] = transport;

    public bool TryGet(string group, out IStageTransport transport) => _byGroup.TryGetValue(group, out transport!);
}
