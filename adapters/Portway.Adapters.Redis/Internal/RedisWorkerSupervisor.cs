using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;

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
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _slots = [];
    private readonly Dictionary<string, Process> _running = new(StringComparer.Ordinal);

    /// <summary>Pids of the replicas alive now, by worker id.</summary>
    public IReadOnlyDictionary<string, int> Pids
    {
        get
        {
            lock (_running) return _running.Where(p => !p.Value.HasExited).ToDictionary(p => p.Key, p => p.Value.Id);
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
                var workerId = $"{group.Name}-{i}";
                var name = group.Name;
                _slots.Add(Task.Run(() => SuperviseAsync(name, workerId, file), CancellationToken.None));
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
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

    private async Task SuperviseAsync(string group, string workerId, string file)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!_stopping.IsCancellationRequested)
        {
            int exitCode;
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
            // Shutdown: closing stdin asks it to stop (it finishes its hops); killed if it lingers.
            process.StandardInput.Close();
            try
            {
                await process.WaitForExitAsync().WaitAsync(StopGrace).ConfigureAwait(false);
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
}
