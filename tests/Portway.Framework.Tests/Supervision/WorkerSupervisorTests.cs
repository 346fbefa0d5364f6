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

    [Fact]
    public async Task Bootstrap_CarriesWhatTheWorkerRuns_NotTheWebSecrets()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var dir = Directory.CreateTempSubdirectory("portway-bootstrap-").FullName;
        var dump = Path.Combine(dir, "bootstrap.json");
        try
        {
            var cert = Path.Combine(dir, "cert.pem");
            await File.WriteAllTextAsync(cert, "not read by the loader");
            var yaml = TcpLocalHarness.Yaml.Replace("runtime:\n", $"runtime:\n  web:\n    tls: {{ cert_path: {cert}, password: hunter2-tls-password }}\n", StringComparison.Ordinal);
            var config = TestConfig.Load(yaml, "test.hang", "test.headers", "test.big");
            using var supervisor = new WorkerSupervisor(config, new IpcSecret(Frames.Key), harness.Listener,
                new WorkerExecutable("/bin/sh", ["-c", $"head -n 1 > {dump}.tmp && mv {dump}.tmp {dump}; sleep 60", "sh"]),
                new RestartPolicy(), TimeProvider.System, harness.Loggers.CreateLogger<WorkerSupervisor>());
            await supervisor.StartAsync(CancellationToken.None);
            await Eventually.TrueAsync(() => File.Exists(dump), TimeSpan.FromSeconds(30), "the child wrote its bootstrap");
            await supervisor.StopAsync(CancellationToken.None);

            var bootstrap = System.Text.Json.JsonSerializer.Deserialize<Portway.Internal.Transport.TcpLocal.WorkerBootstrap>(File.ReadAllText(dump))!;
            Assert.DoesNotContain("hunter2", bootstrap.ConfigText, StringComparison.Ordinal);
            Assert.DoesNotContain("cert.pem", bootstrap.ConfigText, StringComparison.Ordinal);
            var workerConfig = TestConfig.Load(bootstrap.ConfigText, "test.hang", "test.headers", "test.big");
            Assert.Contains("hunter2", config.Text, StringComparison.Ordinal);
            Assert.Equal(config.Pipelines.Keys, workerConfig.Pipelines.Keys);
            Assert.Equal(["core", "hang", "headers", "big"], workerConfig.Runtime.Platform.ProcessGroups.Single(g => g.Name == "cpu").Stages.Select(s => s.Split('.')[^1]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ChildOutput_AFloodOfLongLines_IsLoggedAtABoundedRateAndTruncated()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var line = new string('x', 10_000);
        using var supervisor = new WorkerSupervisor(harness.Config, new IpcSecret(Frames.Key), harness.Listener,
            new WorkerExecutable("/bin/sh", ["-c", $"i=0; while [ $i -lt 3000 ]; do echo {line}; i=$((i+1)); done; sleep 2; echo done-flooding; sleep 60", "sh"]),
            new RestartPolicy(), TimeProvider.System, harness.Loggers.CreateLogger<WorkerSupervisor>());

        await supervisor.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("done-flooding", StringComparison.Ordinal)), TimeSpan.FromSeconds(120), "the last line was logged");
        await supervisor.StopAsync(CancellationToken.None);

        var output = harness.Logs.Messages.Where(m => m.Contains("[cpu-1]", StringComparison.Ordinal)).ToArray();
        Assert.True(output.Length < 3000 / 4, $"{output.Length} lines of the child's 3001 were logged");
        Assert.All(output, m => Assert.True(m.Length < WorkerSupervisor.MaxOutputLineLength + 200, $"a logged line of {m.Length} characters"));
        Assert.Contains(output, m => m.Contains("more characters)", StringComparison.Ordinal));
        Assert.Contains(output, m => m.Contains("earlier lines not logged", StringComparison.Ordinal));
    }
}
