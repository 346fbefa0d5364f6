using Microsoft.Extensions.Logging;
using Portway.Framework.Tests.Transport.TcpLocal;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Testing;

namespace Portway.Framework.Tests.Supervision;

public sealed class WorkerSupervisorTests
{
    [Fact]
    public async Task Supervise_ChildExitsAtOnceEveryTime_OverTheBudgetIsDegradedAndKeepsRestarting()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var policy = new RestartPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(40), MaxRestartsPerWindow = 3 };
        using var supervisor = new WorkerSupervisor(harness.Config, new IpcSecret(Frames.Key), harness.Listener, new WorkerExecutable("/bin/false", []),
            policy, TimeProvider.System, harness.Loggers.CreateLogger<WorkerSupervisor>());

        await supervisor.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("degraded", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the worker is degraded");
        Assert.Equal(["cpu-1"], supervisor.Degraded);

        // Never given up: it goes on being started, at the longest backoff.
        await Eventually.TrueAsync(() => harness.Logs.Messages.Count(m => m.Contains("Started worker cpu-1", StringComparison.Ordinal)) >= 8, TimeSpan.FromSeconds(60), "restarts go on past the budget");
        await supervisor.StopAsync(CancellationToken.None);

        var messages = harness.Logs.Messages;
        Assert.Equal(1, messages.Count(m => m.Contains("Worker cpu-1 of group cpu restarted 3 times within 60 s: degraded; still restarting it every 40 ms", StringComparison.Ordinal)));
        Assert.Contains(messages, m => m.Contains("Restarting worker cpu-1 (exit code 1) in 40 ms", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("giving up", StringComparison.Ordinal));
        Assert.Empty(supervisor.Pids);
    }

    [Fact]
    public async Task Supervise_ChildNeverSaysHello_IsKilledAfterTheReadyTimeoutAndRestarted()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var policy = new RestartPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxRestartsPerWindow = 1 };
        using var supervisor = new WorkerSupervisor(harness.Config, new IpcSecret(Frames.Key), harness.Listener, new WorkerExecutable("/bin/sh", ["-c", "sleep 60", "sh"]),
            policy, TimeProvider.System, harness.Loggers.CreateLogger<WorkerSupervisor>())
        {
            ReadyTimeout = TimeSpan.FromMilliseconds(500),
        };

        await supervisor.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("degraded", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the worker is degraded");
        await supervisor.StopAsync(CancellationToken.None);

        var messages = harness.Logs.Messages;
        Assert.True(2 <= messages.Count(m => m.Contains("did not connect within 500 ms: killing it", StringComparison.Ordinal)));
        Assert.Contains(messages, m => m.Contains("Restarting worker cpu-1 (exit code 137)", StringComparison.Ordinal));
        Assert.Empty(supervisor.Pids);
    }
}
