using Microsoft.Extensions.Logging;
using Portway.Framework.Tests.Transport.TcpLocal;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Testing;

namespace Portway.Framework.Tests.Supervision;

public sealed class WorkerSupervisorTests
{
    [Fact]
    public async Task Supervise_ChildExitsAtOnceEveryTime_RestartsWithinTheBudgetThenGivesUp()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var policy = new RestartPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(40), MaxRestartsPerWindow = 3 };
        using var supervisor = new WorkerSupervisor(harness.Config, new IpcSecret(Frames.Key), harness.Listener, new WorkerExecutable("/bin/false", []),
            policy, TimeProvider.System, harness.Loggers.CreateLogger<WorkerSupervisor>());

        await supervisor.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("giving up", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the supervisor gave up");
        await supervisor.StopAsync(CancellationToken.None);

        var messages = harness.Logs.Messages;
        Assert.Equal(4, messages.Count(m => m.Contains("Started worker cpu-1", StringComparison.Ordinal)));
        Assert.Equal(3, messages.Count(m => m.Contains("Restarting worker cpu-1 (exit code 1)", StringComparison.Ordinal)));
        Assert.Contains(messages, m => m.Contains("Worker cpu-1 of group cpu restarted 3 times within 60 s: giving up", StringComparison.Ordinal));
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
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("giving up", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the supervisor gave up");
        await supervisor.StopAsync(CancellationToken.None);

        var messages = harness.Logs.Messages;
        Assert.Equal(2, messages.Count(m => m.Contains("did not connect within 500 ms: killing it", StringComparison.Ordinal)));
        Assert.Contains(messages, m => m.Contains("Restarting worker cpu-1 (exit code 137)", StringComparison.Ordinal));
        Assert.Empty(supervisor.Pids);
    }
}
