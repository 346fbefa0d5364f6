using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Observability;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Internal.Supervision;

/// <summary>
/// Starts <c>replicas</c> child processes for every non-web process group that runs stages and hands each its
/// bootstrap (config, secret, where to connect) over stdin. A child that exits, or whose link breaks (it
/// crashed, hung, or stopped sending heartbeats; it is killed then), is restarted with exponential backoff
/// within a restart budget per window; over the budget the worker is degraded and restarted at the longest
/// backoff, never given up. On shutdown (after the host drained) it closes their stdin, so they
/// exit, and kills any that linger. A child also exits on its own when its stdin breaks, so a host killed
/// with SIGKILL leaves no orphan.
/// </summary>
internal sealed partial class WorkerSupervisor : IHostedService, IDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>Lines of a child's stdout and stderr logged per second; the rest are counted.</summary>
    public const int OutputLinesPerSecond = 50;

    /// <summary>Characters of one line of a child's output logged.</summary>
    public const int MaxOutputLineLength = 2000;


    private readonly PortwayConfig _config;
    private readonly IpcSecret _secret;
    private readonly TcpLocalListener _listener;
    private readonly WorkerExecutable _executable;
    private readonly RestartPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerSupervisor> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _slots = [];
    private readonly Dictionary<string, Process> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<int, TaskCompletionSource> _ready = [];
    private readonly HashSet<string> _degraded = new(StringComparer.Ordinal);

    public WorkerSupervisor(PortwayConfig config, IpcSecret secret, TcpLocalListener listener, WorkerExecutable executable,
        RestartPolicy policy, TimeProvider time, ILogger<WorkerSupervisor> logger, IMeterFactory? meterFactory = null)
    {
        _config = config;
        _secret = secret;
        _listener = listener;
        _executable = executable;
        _policy = policy;
        _time = time;
        _logger = logger;
        _listener.WorkerLost += OnWorkerLost;
        _listener.WorkerReady += OnWorkerReady;
        meterFactory?.Create(Observability.PortwayTelemetry.Name).CreateObservableCounter("portway.worker.restarts", ObserveRestarts,
            description: "Worker restarts since the host started, by process group");
    }

    /// <summary>A child that has not said hello this long after it started is killed (and restarted). Defaults to 60 s.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pids of the children alive now, by worker id.</summary>
    public IReadOnlyDictionary<string, int> Pids
    {
        get
        {
            lock (_running) return _running.Where(p => !p.Value.HasExited).ToDictionary(p => p.Key, p => p.Value.Id);
        }
    }

    /// <summary>Workers restarted more often than the restart budget allows, still being restarted at the longest backoff, until one says hello.</summary>
    public IReadOnlyCollection<string> Degraded
    {
        get
        {
            lock (_running) return [.. _degraded];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var group in _config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0))
        {
            for (var i = 1; i <= group.Replicas; i++)
            {
                var workerId = $"{group.Name}-{i}";
                var name = group.Name;
                SetStatus(name, workerId, null, WorkerStatus.Starting);
                StartSlot(name, workerId, _config);
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
        _listener.WorkerLost -= OnWorkerLost;
        _listener.WorkerReady -= OnWorkerReady;
        KillAll();
        _stopping.Dispose();
    }

    private void KillAll()
    {
        lock (_running)
        {
            foreach (var process in _running.Values) TryKill(process);
        }
    }

    private void OnWorkerReady(string workerId, int pid)
    {
        TaskCompletionSource? ready;
        bool recovered;
        TaskCompletionSource? rolled;
        lock (_running)
        {
            _ready.TryGetValue(pid, out ready);
            _rolledReady.TryGetValue(workerId, out rolled);
            recovered = _degraded.Remove(workerId);
        }

        SetReady(workerId, pid);
        ready?.TrySetResult();
        rolled?.TrySetResult();
        if (recovered) LogRecovered(_logger, workerId, pid);
    }

    private void OnWorkerLost(string workerId, int pid, string why)
    {
        Process? process;
        lock (_running) _running.TryGetValue(workerId, out process);

        // A child whose link broke but that still runs is hung or confused: end it, the slot restarts it.
        // Only that very process: by now its slot may run a newer one under the same worker id.
        if (process is not null && SafePid(process) == pid && !_stopping.IsCancellationRequested)
        {
            TryKill(process);
        }
    }

    private static int SafePid(Process process)
    {
        try
        {
            return process.Id;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private async Task SuperviseAsync(string group, string workerId, PortwayConfig config, CancellationToken retire)
    {
        var restarts = new Queue<long>();
        while (!_stopping.IsCancellationRequested)
        {
            string why;
            try
            {
                why = await RunOnceAsync(group, workerId, config, retire).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed start is logged and retried under the budget like an exit.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogStartFailed(_logger, workerId, ex.Message);
                why = "it could not start";
            }

            if (_stopping.IsCancellationRequested)
            {
                SetStatus(group, workerId, null, WorkerStatus.Stopped);
                return;
            }

            if (retire.IsCancellationRequested)
            {
                // Replaced by a config reload: the slot ends, its worker is not restarted.
                _status.TryRemove(workerId, out _);
                return;
            }

            var now = _time.GetTimestamp();
            while (restarts.Count > 0 && _time.GetElapsedTime(restarts.Peek(), now) > _policy.Window) restarts.Dequeue();
            TimeSpan backoff;
            if (restarts.Count >= _policy.MaxRestartsPerWindow)
            {
                // Over the budget: the group is degraded, never abandoned; restarts go on at the longest backoff
                // (a child kept out for a while, by a crash loop or a crowded listener, comes back when it can).
                lock (_running)
                {
                    if (_degraded.Add(workerId)) LogDegraded(_logger, workerId, group, restarts.Count, _policy.Window.TotalSeconds, (long)_policy.MaxBackoff.TotalMilliseconds);
                }

                restarts.Dequeue();
                restarts.Enqueue(now);
                backoff = _policy.MaxBackoff;
                SetStatus(group, workerId, null, WorkerStatus.Degraded, restarted: true);
            }
            else
            {
                restarts.Enqueue(now);
                backoff = _policy.Backoff(restarts.Count);
                SetStatus(group, workerId, null, WorkerStatus.Restarting, restarted: true);
            }

            LogRestart(_logger, workerId, why, (long)backoff.TotalMilliseconds);
            try
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, retire);
                await Task.Delay(backoff, _time, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (!_stopping.IsCancellationRequested) _status.TryRemove(workerId, out _);
                return;
            }
        }
    }

    /// <summary>Runs one child to its end (or until <paramref name="retire"/>: then it is stopped); returns why it ended.</summary>
    private async Task<string> RunOnceAsync(string group, string workerId, PortwayConfig config, CancellationToken retire)
    {
        var endPoint = _listener.EndPoint ?? throw new InvalidOperationException("the tcp_local listener is not bound");
        var start = new ProcessStartInfo(_executable.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _executable.PrefixArguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("worker");
        start.ArgumentList.Add("--group");
        start.ArgumentList.Add(group);
        // A tcp_local worker keeps the runtime's thread-pool spinning (unlike Redis replicas): measured with tcp-cost.sh,
        // DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 cost the row ~7 % of its req/s (each hop waited for a sleeping
        // thread's wake-up) and saved no worker CPU.

        using var process = new Process { StartInfo = start };
        var output = new LogRateLimiter(_time, OutputLinesPerSecond);
        process.OutputDataReceived += (_, e) => WorkerOutput(workerId, e.Data, output);
        process.ErrorDataReceived += (_, e) => WorkerOutput(workerId, e.Data, output);
        lock (_running)
        {
            if (_stopping.IsCancellationRequested || retire.IsCancellationRequested)
            {
                return "the host is stopping";
            }

            process.Start();
            SetStatus(group, workerId, process.Id, WorkerStatus.Starting);
            _running[workerId] = process;
            _ready[process.Id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var pid = process.Id;
        var token = _listener.Admission.Issue();

        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            LogStarted(_logger, workerId, group, process.Id);

            var bootstrap = new WorkerBootstrap(group, workerId, endPoint.Address.ToString(), endPoint.Port,
                Convert.ToBase64String(_secret.Key), WorkerConfigText.For(config.Text), config.Source, config.Runtime.Platform.DataDir, Convert.ToBase64String(token));
            try
            {
                // One line on stdin, then stdin stays open: its end is the signal to stop.
                await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(bootstrap)).ConfigureAwait(false);
                await process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The child died before reading its bootstrap: handled as an exit below.
            }

            Task ready;
            lock (_running) ready = _ready[pid].Task;
            using var stopOrRetire = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, retire);
            try
            {
                var exited = process.WaitForExitAsync(stopOrRetire.Token);
                var first = await Task.WhenAny(exited, ready, Task.Delay(ReadyTimeout, _time, stopOrRetire.Token)).ConfigureAwait(false);
                if (first != exited && first != ready && !stopOrRetire.IsCancellationRequested)
                {
                    LogNotReady(_logger, workerId, pid, (long)ReadyTimeout.TotalMilliseconds);
                    TryKill(process);
                }

                await exited.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopChildAsync(process, workerId).ConfigureAwait(false);
            }

            if (_stopping.IsCancellationRequested || retire.IsCancellationRequested)
            {
                LogStopped(_logger, workerId, process.ExitCode);
            }
            else
            {
                LogExited(_logger, workerId, process.ExitCode);
            }

            return $"exit code {process.ExitCode}";
        }
        finally
        {
            lock (_running)
            {
                _running.Remove(workerId);
                _ready.Remove(pid);
            }

            _listener.Admission.Revoke(token);
            TryKill(process);
        }
    }

    /// <summary>A child's line in the host's log: at most <see cref="OutputLinesPerSecond"/> a second, each cut at <see cref="MaxOutputLineLength"/>.</summary>
    private void WorkerOutput(string workerId, string? line, LogRateLimiter limit)
    {
        if (line is null || !limit.TryAcquire(out var dropped)) return;
        if (line.Length > MaxOutputLineLength) line = string.Concat(line.AsSpan(0, MaxOutputLineLength), $"… ({line.Length - MaxOutputLineLength} more characters)");
        if (dropped > 0) line = $"({dropped} earlier lines not logged) {line}";
        LogWorkerOutput(_logger, workerId, line);
    }

    private async Task StopChildAsync(Process process, string workerId)
    {
        // Shutdown, after the host drained: closing stdin tells the worker to exit; kill it if it lingers.
        LogStopping(_logger, workerId);
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using var grace = new CancellationTokenSource(StopGrace, _time);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    [LoggerMessage(EventId = EventIds.WorkerStarted, Level = LogLevel.Information, Message = "Started worker {Worker} of group {Group}, pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string worker, string group, int pid);

    [LoggerMessage(EventId = EventIds.WorkerExited, Level = LogLevel.Warning, Message = "Worker {Worker} exited with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, string worker, int exitCode);

    [LoggerMessage(EventId = EventIds.WorkerStopped, Level = LogLevel.Information, Message = "Worker {Worker} stopped (exit code {ExitCode})")]
    private static partial void LogStopped(ILogger logger, string worker, int exitCode);

    [LoggerMessage(EventId = EventIds.WorkerRestartScheduled, Level = LogLevel.Warning, Message = "Restarting worker {Worker} ({Why}) in {BackoffMs} ms")]
    private static partial void LogRestart(ILogger logger, string worker, string why, long backoffMs);

    [LoggerMessage(EventId = EventIds.WorkerGaveUp, Level = LogLevel.Error, Message = "Worker {Worker} of group {Group} restarted {Count} times within {WindowSeconds} s: degraded; still restarting it every {BackoffMs} ms (its stages answer unavailable meanwhile)")]
    private static partial void LogDegraded(ILogger logger, string worker, string group, int count, double windowSeconds, long backoffMs);

    [LoggerMessage(EventId = EventIds.WorkerRecovered, Level = LogLevel.Information, Message = "Worker {Worker} (pid {Pid}) is back: no longer degraded")]
    private static partial void LogRecovered(ILogger logger, string worker, int pid);

    [LoggerMessage(EventId = EventIds.WorkerStartFailed, Level = LogLevel.Error, Message = "Worker {Worker} could not start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = EventIds.WorkerNotReady, Level = LogLevel.Error, Message = "Worker {Worker} (pid {Pid}) did not connect within {Ms} ms: killing it")]
    private static partial void LogNotReady(ILogger logger, string worker, int pid, long ms);

    [LoggerMessage(EventId = EventIds.WorkerOutput, Level = LogLevel.Information, Message = "[{Worker}] {Line}")]
    private static partial void LogWorkerOutput(ILogger logger, string worker, string line);

    [LoggerMessage(EventId = EventIds.WorkerStopping, Level = LogLevel.Information, Message = "Stopping worker {Worker}: closing its stdin")]
    private static partial void LogStopping(ILogger logger, string worker);
}
