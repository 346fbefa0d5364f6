using System.Text;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>
/// The real supervisor and listener in this process, with a secret the test knows, starting real worker
/// children from the built host executable: the secret reaches them only over stdin.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class SupervisorSecretTests
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [p.core], replicas: 2 }
        pipelines:
          p:
            stages:
              - { name: core, node: sys.echo }
              - { name: tail, node: sys.echo, after: [core] }
        """;

    [Fact]
    public async Task Workers_SecretOnlyOverStdin_NotInCmdlineEnvironOrLogs()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(IpcSecret.Length);
        var forms = new[] { Convert.ToBase64String(key), Convert.ToHexString(key), Convert.ToHexString(key).ToLowerInvariant() };
        var config = TestConfig.Load(Yaml);
        var logs = new StringBuilder();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new StringLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
        var pool = new WorkerPool();
        var secret = new IpcSecret(key);
        await using var listener = new TcpLocalListener(config, secret, pool, TimeProvider.System, loggers);
        await listener.StartAsync(CancellationToken.None);
        using var supervisor = new WorkerSupervisor(config, secret, listener, new WorkerExecutable(Path.Combine(AppContext.BaseDirectory, "Portway.Host"), []),
            new RestartPolicy(), TimeProvider.System, loggers.CreateLogger<WorkerSupervisor>());
        await supervisor.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => pool.ReadyCount("cpu") == 2, WorkerProcesses.Deadline, "2 workers are ready");
            var hop = await new TcpStageTransport("cpu", pool).SendAsync(Hop(), CancellationToken.None);
            Assert.Equal(EnvelopeKind.Reply, hop.Kind);

            var pids = supervisor.Pids.Values.ToArray();
            Assert.Equal(2, pids.Length);
            foreach (var pid in pids)
            {
                var cmdline = Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{pid}/cmdline"));
                var environ = await File.ReadAllBytesAsync($"/proc/{pid}/environ");
                Assert.EndsWith("\0worker\0--group\0cpu\0", cmdline, StringComparison.Ordinal);
                Assert.NotEmpty(environ);

                foreach (var form in forms)
                {
                    Assert.DoesNotContain(form, cmdline, StringComparison.Ordinal);
                    Assert.DoesNotContain(form, Encoding.UTF8.GetString(environ), StringComparison.OrdinalIgnoreCase);
                }

                Assert.Equal(-1, environ.AsSpan().IndexOf(key));
            }
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
            await listener.StopAsync(CancellationToken.None);
        }

        string output;
        lock (logs) output = logs.ToString();
        Assert.Contains("connected to the host", output, StringComparison.Ordinal);
        Assert.Contains("stopping: the host closed stdin", output, StringComparison.Ordinal);
        Assert.All(forms, form => Assert.DoesNotContain(form, output, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(supervisor.Pids);
    }

    private static Envelope Hop() => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Request,
        Route = "p/core",
        TraceId = EnvelopeIds.NewTraceId(),
        RequestId = EnvelopeIds.NewId(),
        Payload = "{}"u8.ToArray(),
        Headers = { ["pipeline"] = "p", ["stage"] = "core", ["node"] = "sys.echo" },
    };

    private sealed class StringLoggerProvider(StringBuilder sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(sink);

        public void Dispose()
        {
        }

        private sealed class Logger(StringBuilder sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (sink) sink.AppendLine(formatter(state, exception) + exception);
            }
        }
    }
}
