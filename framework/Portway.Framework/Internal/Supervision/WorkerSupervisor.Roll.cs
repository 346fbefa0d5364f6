using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Internal.Supervision;

/// <summary>
/// Rolling the workers of process groups a config reload changed: the new workers (the new config, the new
/// <c>replicas</c>) start one at a time and are held (no hop goes to them) until all are ready; then, at once, the new
/// routes serve, the new workers take every new hop and the old ones take none; the old ones finish their hops in
/// flight (up to the drain timeout) and are stopped. If a new worker does not come up, the new ones are stopped and
/// nothing changed: the old workers and routes keep serving.
/// </summary>
internal sealed partial class WorkerSupervisor
{
    private readonly Dictionary<string, (string Group, CancellationTokenSource Retire)> _slotsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _rolledReady = new(StringComparer.Ordinal);
    private int _generation = 1;

    private void StartSlot(string group, string workerId, PortwayConfig config)
    {
        var retire = new CancellationTokenSource();
        lock (_running) _slotsById[workerId] = (group, retire);
        _slots.Add(Task.Run(() => SuperviseAsync(group, workerId, config, retire.Token), CancellationToken.None));
    }

    /// <summary>
    /// Rolls <paramref name="groups"/> onto <paramref name="config"/>; <paramref name="switchRoutes"/> runs at the switch.
    /// Returns null when rolled, else why not (nothing changed then).
    /// </summary>
    public async Task<string?> RollAsync(PortwayConfig config, IReadOnlyCollection<string> groups, WorkerPool pool, Action switchRoutes, TimeSpan drainTimeout)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(switchRoutes);
        var generation = Interlocked.Increment(ref _generation);
        string[] old;
        lock (_running) old = [.. _slotsById.Where(s => groups.Contains(s.Value.Group)).Select(s => s.Key)];

        var fresh = new List<string>();
        foreach (var group in config.Runtime.Platform.ProcessGroups.Where(g => groups.Contains(g.Name) && g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0))
        {
            for (var i = 1; i <= group.Replicas; i++)
            {
                var workerId = $"{group.Name}-{i}-v{generation}";
                var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_running) _rolledReady[workerId] = ready;
                pool.HoldOnArrival(workerId);
                fresh.Add(workerId);
                LogRollStarting(_logger, workerId, group.Name, generation);
                SetStatus(group.Name, workerId, null, WorkerStatus.Starting);
                StartSlot(group.Name, workerId, config);

                // One at a time: the next starts once this one said hello (a crash-looping config is not started N times).
                var timeout = Task.Delay(ReadyTimeout, _time, _stopping.Token);
                if (await Task.WhenAny(ready.Task, timeout).ConfigureAwait(false) != ready.Task)
                {
                    pool.Forget(fresh);
                    Retire(fresh);
                    lock (_running) foreach (var id in fresh) _rolledReady.Remove(id);
                    return $"worker {workerId} of process group '{group.Name}' with the new config did not connect within {(long)ReadyTimeout.TotalMilliseconds} ms (see its log lines): the old workers keep serving";
                }
            }
        }

        lock (_running) foreach (var id in fresh) _rolledReady.Remove(id);

        // The switch: routes and workers change together for every hop picked from now on.
        switchRoutes();
        pool.Switch(fresh, old);
        LogRollSwitched(_logger, string.Join(", ", groups), fresh.Count, old.Length);

        // The old workers finish what they have in flight, then stop.
        var deadline = _time.GetTimestamp();
        while (pool.InFlight(old) > 0 && _time.GetElapsedTime(deadline) < drainTimeout && !_stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None).ConfigureAwait(false);
        }

        Retire(old);
        return null;
    }

    /// <summary>Ends the slots of <paramref name="workerIds"/>: their workers are stopped (stdin closed) and not restarted.</summary>
    private void Retire(IEnumerable<string> workerIds)
    {
        foreach (var id in workerIds)
        {
            CancellationTokenSource? retire = null;
            lock (_running)
            {
                if (_slotsById.Remove(id, out var slot)) retire = slot.Retire;
            }

            retire?.Cancel();
        }
    }

    [LoggerMessage(EventId = EventIds.WorkerRollStarting, Level = LogLevel.Information, Message = "Config reload: starting worker {Worker} of group {Group} (generation {Generation}), held until the switch")]
    private static partial void LogRollStarting(ILogger logger, string worker, string group, int generation);

    [LoggerMessage(EventId = EventIds.WorkerRollSwitched, Level = LogLevel.Information, Message = "Config reload: group(s) {Groups} switched to {Fresh} new worker(s); {Old} old worker(s) drain and stop")]
    private static partial void LogRollSwitched(ILogger logger, string groups, int fresh, int old);
}
