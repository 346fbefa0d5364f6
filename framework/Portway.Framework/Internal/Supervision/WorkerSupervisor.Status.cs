using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Portway.Internal.Supervision;

internal sealed partial class WorkerSupervisor
{
    private readonly ConcurrentDictionary<string, WorkerStatus> _status = new(StringComparer.Ordinal);
    private long _restartsTotal;

    /// <summary>Every worker slot, ordered by worker id.</summary>
    public IReadOnlyList<WorkerStatus> Workers => _status.Values.OrderBy(s => s.WorkerId, StringComparer.Ordinal).ToArray();

    /// <summary>Restarts scheduled since the host started, every slot together.</summary>
    public long RestartsTotal => Interlocked.Read(ref _restartsTotal);

    private IEnumerable<Measurement<long>> ObserveRestarts() =>
        _status.Values.GroupBy(s => s.Group, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(s => (long)s.Restarts), new KeyValuePair<string, object?>("group", g.Key)));

    private void SetStatus(string group, string workerId, int? pid, string state, bool restarted = false)
    {
        if (restarted)
        {
            Interlocked.Increment(ref _restartsTotal);
        }

        _status.AddOrUpdate(workerId,
            static (id, a) => new WorkerStatus(a.group, id, a.pid, a.state, a.restarted ? 1 : 0),
            static (_, old, a) => old with { Pid = a.pid, State = a.state, Restarts = old.Restarts + (a.restarted ? 1 : 0) },
            (group, pid, state, restarted));
    }

    private void SetReady(string workerId, int pid)
    {
        if (_status.TryGetValue(workerId, out var old) && old.Pid == pid)
        {
            _status.TryUpdate(workerId, old with { State = WorkerStatus.Ready }, old);
        }
    }
}
