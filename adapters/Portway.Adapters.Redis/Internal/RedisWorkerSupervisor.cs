using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Transport;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// <c>serve</c> with <c>transport: redis</c>: starts <c>replicas</c> local workers of every group that runs stages, as
/// this executable's own <c>worker --group NAME --config FILE --supervised</c> (they inherit the environment, so
/// <c>PORTWAY_IPC_SECRET</c> and <c>PORTWAY_REDIS</c>; nothing secret on their command line), restarts one that
/// exits (backoff 0.5 s doubling to 30 s), and stops them on shutdown by closing their stdin (killed if they linger).
/// A supervised worker also exits when its stdin breaks, so a host killed with SIGKILL leaves no orphan.
/// </summary>
internal sealed class RedisWorkerSupervisor(PortwayConfig config, ILogger<RedisWorkerSupervisor> logger) : IHostedService, IDisposable
{
    /// <summary>How long a replica told to stop may take (its whole stop, drain included, and a margin) before it is killed.</summary>
    private readonly TimeSpan _stopGrace = RedisStageWorker.StopTimeout(config) + TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _slots = [];
    private readonly Dictionary<string, Process> _running = new(StringComparer.Ordinal);
    private readonly List<Replica> _replicas = [];

    /// <summary>Pids of the replicas alive now, by worker id.</summary>
    public IReadOnlyDictionary<string, int> Pids
    {
        get
        {
            lock (_running) return _running.Where(p => !p.Value.HasExited).ToDictionary(p => p.Key, p => p.Value.Id);
        }
    }

    /// <summary>
    /// The replicas of <paramref name="group"/> in slot order: id, pid (null between runs), restarts, and state —
    /// <c>ready</c> once its id is among <paramref name="live"/> (it announces itself), <c>starting</c> before,
    /// <c>restarting</c> between runs, <c>stopped</c> after shutdown.
    /// </summary>
    public IReadOnlyList<LocalWorkerStatus> Status(string group, IReadOnlyList<string> live)
    {
        lock (_running)
        {
            var list = new List<LocalWorkerStatus>();
            foreach (var replica in _replicas)
            {
                if (replica.Group != group) continue;
                int? pid = _running.TryGetValue(replica.Id, out var process) && !HasExited(process) ? process.Id : null;
                var state = replica.Stopped ? LocalWorkerStatus.Stopped
                    : pid is null ? LocalWorkerStatus.Restarting
                    : live.Contains(replica.Id) ? LocalWorkerStatus.Ready : LocalWorkerStatus.Starting;
                list.Add(new LocalWorkerStatus(replica.Id, pid, state, replica.Restarts));
            }

            return list;
        }
    }

    /// <summary>
    /// The worker id of replica <paramref name="slot"/> of <paramref name="group"/>: unique across the hosts sharing a
    /// Redis (machine and host process in it), as each is a consumer of its own in the group and announces itself
    /// under its id — two hosts' replicas under one id would count as one worker, and one stopping would unannounce both.
    /// </summary>
    internal static string ReplicaId(string group, int slot) => $"{group}-{Environment.MachineName}-{Environment.ProcessId}-{slot}";

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (config.Runtime.Platform.ExecutionIpc.Transport != "redis") return Task.CompletedTask;
        var groups = config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0 && g.Replicas > 0).ToList();
        if (groups.Count == 0) return Task.CompletedTask;
        if (!File.Exists(config.Source))
        {
            foreach (var group in groups) RedisLog.ReplicaNotStarted(logger, group.Name, $"local replicas run the same config file, and '{config.Source}' is not one (serve --config FILE)");
            return Task.CompletedTask;
        }

        var file = Path.GetFullPath(config.Source);
        foreach (var group in groups)
        {
            for (var i = 1; i <= group.Replicas; i++)
            {
                var replica = new Replica(group.Name, ReplicaId(group.Name, i));
                lock (_running) _replicas.Add(replica);
                _slots.Add(Task.Run(() => SuperviseAsync(replica, file), CancellationToken.None));
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_running)
        {
            foreach (var replica in _replicas) replica.Stopped = true;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_slots).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillAll();
        }
    }

    public void Dispose()
    {
        KillAll();
        _stopping.Dispose();
    }

    private void KillAll()
    {
        lock (_running)
        {
            foreach (var process in _running.Values)
            {
                try
                {
                    if (!process.HasExited) process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    private async Task SuperviseAsync(Replica replica, string file)
    {
        var (group, workerId) = (replica.Group, replica.Id);
        var backoff = TimeSpan.FromMilliseconds(500);
        var first = true;
        while (!_stopping.IsCancellationRequested)
        {
            int exitCode;
            if (!first)
            {
                lock (_running) replica.Restarts++;
            }

            first = false;
            try
            {
                exitCode = await RunOnceAsync(group, workerId, file).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                exitCode = -1;
                RedisLog.ReplicaOutput(logger, workerId, "could not start: " + ex.Message);
            }

            if (_stopping.IsCancellationRequested) return;
            RedisLog.ReplicaExited(logger, workerId, exitCode, (long)backoff.TotalMilliseconds);
            try
            {
                await Task.Delay(backoff, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private async Task<int> RunOnceAsync(string group, string workerId, string file)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the host's executable path is unknown");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }

        foreach (var argument in new[] { "worker", "--group", group, "--config", file, "--supervised", "--worker-id", workerId }) start.ArgumentList.Add(argument);
        // A replica keeps the runtime's thread-pool spinning (it inherits the host's environment): measured with
        // redis-cost.sh, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 on replicas cost the sys.echo/redis row ~8 % of its
        // req/s (5 of 5 rounds) for ~2 µs less worker CPU per request.
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) RedisLog.ReplicaOutput(logger, workerId, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) RedisLog.ReplicaOutput(logger, workerId, e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_running) _running[workerId] = process;
        try
        {
            await process.WaitForExitAsync(_stopping.Token).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Shutdown: closing stdin asks it to stop (it drains the hops it holds); killed if it lingers.
            process.StandardInput.Close();
            try
            {
                await process.WaitForExitAsync().WaitAsync(_stopGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                process.Kill();
            }

            return 0;
        }
        finally
        {
            lock (_running) _running.Remove(workerId);
        }
    }

    /// <summary>One replica slot: its group and id, the times it was started again, and whether the host is stopping.</summary>
    private sealed class Replica(string group, string id)
    {
        public string Group { get; } = group;

        public string Id { get; } = id;

        public int Restarts { get; set; }

        public bool Stopped { get; set; }
    }
}
