using System.Collections.Immutable;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>The ready workers of each process group; hops are spread over them round-robin.</summary>
internal sealed class WorkerPool
{
    private readonly object _gate = new();
    private ImmutableDictionary<string, ImmutableArray<WorkerConnection>> _ready = ImmutableDictionary<string, ImmutableArray<WorkerConnection>>.Empty;
    private int _next;

    /// <summary>Raised (outside the lock) when a worker becomes ready or leaves.</summary>
    public event Action? Changed;

    private ImmutableHashSet<string> _holdOnArrival = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    public void Add(WorkerConnection worker)
    {
        lock (_gate)
        {
            worker.IsHeld = _holdOnArrival.Contains(worker.WorkerId);
            _ready = _ready.SetItem(worker.Group, _ready.GetValueOrDefault(worker.Group, []).Add(worker));
        }

        Changed?.Invoke();
    }

    public void Remove(WorkerConnection worker)
    {
        lock (_gate)
        {
            if (_ready.TryGetValue(worker.Group, out var workers))
            {
                _ready = _ready.SetItem(worker.Group, workers.Remove(worker));
            }
        }

        Changed?.Invoke();
    }

    /// <summary>The next ready worker of <paramref name="group"/> (round-robin), skipping one whose link just closed; null when none.</summary>
    public WorkerConnection? Pick(string group)
    {
        var workers = _ready.GetValueOrDefault(group, []);
        for (var i = 0; i < workers.Length; i++)
        {
            var worker = workers[(int)((uint)Interlocked.Increment(ref _next) % (uint)workers.Length)];
            if (!worker.IsDead && !worker.IsHeld)
            {
                return worker;
            }
        }

        return null;
    }

    /// <summary>A worker that says hello as <paramref name="workerId"/> is held (a config reload starts it before the switch).</summary>
    public void HoldOnArrival(string workerId)
    {
        lock (_gate) _holdOnArrival = _holdOnArrival.Add(workerId);
    }

    /// <summary>
    /// The switch of a config reload, at once for every hop picked after it: the workers <paramref name="activate"/>
    /// names take hops, those <paramref name="drain"/> names take no more (their hops in flight finish).
    /// </summary>
    public void Switch(IReadOnlyCollection<string> activate, IReadOnlyCollection<string> drain)
    {
        lock (_gate)
        {
            _holdOnArrival = _holdOnArrival.Except(activate);
            foreach (var worker in _ready.Values.SelectMany(w => w))
            {
                if (activate.Contains(worker.WorkerId)) worker.IsHeld = false;
                else if (drain.Contains(worker.WorkerId)) worker.IsHeld = true;
            }
        }

        Changed?.Invoke();
    }

    /// <summary>Forgets workers that will not arrive (a reload gave up on them).</summary>
    public void Forget(IReadOnlyCollection<string> workerIds)
    {
        lock (_gate) _holdOnArrival = _holdOnArrival.Except(workerIds);
    }

    /// <summary>Hops in flight on the named workers.</summary>
    public int InFlight(IReadOnlyCollection<string> workerIds) =>
        _ready.Values.SelectMany(w => w).Where(w => workerIds.Contains(w.WorkerId)).Sum(w => w.InFlight);

    public IReadOnlyList<WorkerConnection> All => _ready.Values.SelectMany(w => w).ToArray();

    /// <summary>Ready workers of <paramref name="group"/> that take hops (not held).</summary>
    public int ReadyCount(string group) => _ready.GetValueOrDefault(group, []).Count(w => !w.IsHeld);
}
