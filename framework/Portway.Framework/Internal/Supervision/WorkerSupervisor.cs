using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Internal.Supervision;

/// <summary>
/// Starts <c>replicas</c> child processes for every non-web process group that runs stages, hands each its
/// bootstrap (config, secret, where to connect) over stdin, restarts a child that exits with exponential
/// backoff within a restart budget, and on shutdown closes their stdin (they exit) and kills any that linger.
/// A child also exits on its own when its stdin breaks, so a SIGKILLed host leaves no orphan.
/// </summary>
internal sealed partial class WorkerSupervisor(
    PortwayConfig config,
    IpcSecret secret,
    TcpLocalListener listener,
    WorkerCommand command,
    RestartPolicy policy,
    TimeProvider time,
    ILogger<WorkerSupervisor> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _slots = [];
    private readonly Dictionary<string, Process> _running = new(StringComparer.Ordinal);

    /// <summary>Pids of the children alive now, by worker id.</summary>
    public IReadOnlyDictionary<string, int> Pids
    {
        get
        {
            lock (_running) return _running.Where(p => !p.Value.HasExited).ToDictionary(p => p.Key, p => p.Value.Id);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var group in config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0))
        {
            for (var i = 1; i <= group.Replicas; i++)
            {
                var workerId = $"{group.Name}-{i}";
                _slots.Add(Task.Run(() => SuperviseAsync(group.Name, workerId)));
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_slots).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SuperviseAsync(string group, string workerId)
    {
        var restarts = new Queue<long>();
        while (!_stopping.IsCancellationRequested)
        {
            int exitCode;
            try
            {
                exitCode = await RunOnceAsync(group, workerId).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed start is logged and retried under the budget like an exit.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogStartFailed(logger, workerId, ex.Message);
                exitCode = -1;
            }

            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var now = time.GetTimestamp();
            while (restarts.Count > 0 && time.GetElapsedTime(restarts.Peek(), now) > policy.Window) restarts.Dequeue();
            if (restarts.Count >= policy.MaxRestartsPerWindow)
            {
                LogGaveUp(logger, workerId, group, restarts.Count, policy.Window.TotalSeconds);
                return;
            }

            restarts.Enqueue(now);
            var backoff = policy.Backoff(restarts.Count);
            LogRestart(logger, workerId, exitCode, (long)backoff.TotalMilliseconds);
            try
            {
                await Task.Delay(backoff, time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> RunOnceAsync(string group, string workerId)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.PrefixArguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("worker");
        start.ArgumentList.Add("--group");
        start.ArgumentList.Add(group);

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) LogWorkerOutput(logger, workerId, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) LogWorkerOutput(logger, workerId, e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_running) _running[workerId] = process;
        LogStarted(logger, workerId, group, process.Id);

        var endPoint = listener.EndPoint ?? throw new InvalidOperationException("the tcp_local listener is not bound");
        var bootstrap = new WorkerBootstrap(group, workerId, endPoint.Address.ToString(), endPoint.Port,
            Convert.ToBase64String(secret.Key), config.Text, config.Source, config.Runtime.Platform.DataDir);
        try
        {
            await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(bootstrap)).ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The child died before reading its bootstrap: handled as an exit below.
        }

        try
        {
            await process.WaitForExitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: closing stdin tells the worker to exit; kill it if it lingers.
            process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_running) _running.Remove(workerId);
        }

        LogExited(logger, workerId, process.ExitCode);
        return process.ExitCode;
    }

    [LoggerMessage(EventId = EventIds.WorkerStarted, Level = LogLevel.Information, Message = "Started worker {Worker} of group {Group}, pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string worker, string group, int pid);

    [LoggerMessage(EventId = EventIds.WorkerExited, Level = LogLevel.Warning, Message = "Worker {Worker} exited with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, string worker, int exitCode);

    [LoggerMessage(EventId = EventIds.WorkerRestartScheduled, Level = LogLevel.Warning, Message = "Restarting worker {Worker} (exit code {ExitCode}) in {BackoffMs} ms")]
    private static partial void LogRestart(ILogger logger, string worker, int exitCode, long backoffMs);

    [LoggerMessage(EventId = EventIds.WorkerGaveUp, Level = LogLevel.Error, Message = "Worker {Worker} of group {Group} restarted {Count} times within {WindowSeconds} s: giving up; its stages answer unavailable")]
    private static partial void LogGaveUp(ILogger logger, string worker, string group, int count, double windowSeconds);

    [LoggerMessage(EventId = EventIds.WorkerExited + 10, Level = LogLevel.Error, Message = "Worker {Worker} could not start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = EventIds.WorkerOutput, Level = LogLevel.Debug, Message = "[{Worker}] {Line}")]
    private static partial void LogWorkerOutput(ILogger logger, string worker, string line);
}
