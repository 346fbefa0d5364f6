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

    public void Add(WorkerConnection worker)
    {
        lock (_gate)
        {
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
            if (!worker.IsDead)
            {
                return worker;
            }
        }

        return null;
    }

    public IReadOnlyList<WorkerConnection> All => _ready.Values.SelectMany(w => w).ToArray();

    public int ReadyCount(string group) => _ready.GetValueOrDefault(group, []).Length;
}
