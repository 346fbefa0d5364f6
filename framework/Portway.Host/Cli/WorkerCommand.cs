using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;
using Portway.Adapters.Redis;
using Portway.Configuration;
using Portway.Internal.Supervision;
using Portway.Pipelines;

namespace Portway.Host.Cli;

/// <summary>
/// <c>portway worker --group NAME</c>: a supervised child of <c>serve</c>. Its bootstrap (config, HMAC secret,
/// where the host listens) comes as one JSON line on stdin, never on the command line or in the environment.
/// It exits when stdin closes (the host stops it, or the host died) or when its link to the host breaks.
/// SIGINT and SIGTERM are ignored: a Ctrl+C reaches the whole process group, and the host drains before it
/// stops its workers.
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Contains("--config"))
        {
            return await RedisWorkerCommand.RunAsync(args).ConfigureAwait(false);
        }

        if (args is not ["--group", { Length: > 0 } group])
        {
            Console.Error.WriteLine("portway worker: expected --group NAME (started by `portway serve`, bootstrap on stdin)");
            return Usage.Print(Console.Error);
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);

        var stdin = new StreamReader(Console.OpenStandardInput());
        var bootstrap = await Task.Factory.StartNew(() => WorkerRuntime.ReadBootstrapAsync(stdin, CancellationToken.None).GetAwaiter().GetResult(),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        if (bootstrap is null || bootstrap.Group != group)
        {
            Console.Error.WriteLine("portway worker: no valid bootstrap on stdin for group " + group);
            return WorkerRuntime.ExitBadBootstrap;
        }

        var loaded = PortwayConfigLoader.Load(bootstrap.ConfigText, bootstrap.ConfigSource, KnownNodes.Names);
        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems) Console.Error.WriteLine(problem);
            return WorkerRuntime.ExitBadBootstrap;
        }

        config.Runtime.Platform.DataDir = bootstrap.DataDir;

        // Stdin's end (the host closed it, or died) is the signal to stop; a worker that does not stop in time is ended.
        using var stopping = new CancellationTokenSource();
        TracerProvider? tracer = null;
        _ = Task.Factory.StartNew(() =>
        {
            try
            {
                while (stdin.ReadLine() is not null)
                {
                }
            }
            catch (IOException)
            {
            }

            stopping.Cancel();
            Thread.Sleep(TimeSpan.FromSeconds(5));
            Volatile.Read(ref tracer)?.ForceFlush(1_000); // Environment.Exit runs no disposal: export the last spans first
            Environment.Exit(WorkerRuntime.ExitStopped);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddPortwayWorker(config, bootstrap).AddNodesFrom(PipelineNodes.Assembly).AddPortwayRedisKv(config).AddPipelineSettings(config);

        // Without a generic host the pipelines' hosted service does not run: a directory or batch stage placed in a
        // worker group works on that process's own state, in memory.
        services.AddPortwayPipelines();
        PortwayApp.AddOpenTelemetry(services, config, prometheus: false);
        await using var provider = services.BuildServiceProvider();

        // No generic host here to start the exporters: resolving the providers starts them (worker spans join the caller's trace).
        Volatile.Write(ref tracer, provider.GetService<TracerProvider>());
        _ = provider.GetService<OpenTelemetry.Metrics.MeterProvider>();
        var exit = await WorkerRuntime.RunAsync(provider, bootstrap, stopping.Token).ConfigureAwait(false);

        // The batch exporter sends every few seconds: export the last requests' spans before the host ends this process.
        tracer?.ForceFlush(2_000);
        return exit;
    }
}
