using Portway.Transport;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// <c>/stats</c>' view of a redis process group: every worker whose announcement has not expired, on any machine
/// (as the host's worker watch last saw them, at most a quarter second ago), this host's own replicas, and the hops this
/// host awaits answers from the group for.
/// </summary>
internal sealed class RedisProcessGroupStatus(RedisReplyHub hub, RedisWorkerSupervisor supervisor) : IProcessGroupStatus
{
    public string Transport => "redis";

    public ProcessGroupWorkers Workers(string group)
    {
        var live = hub.LiveWorkers(group);
        return new ProcessGroupWorkers(live.Count, supervisor.Status(group, live)) { HopsInFlight = hub.InFlightTo(group) };
    }
}
