using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;
using Portway.Adapters.Egress;
using Portway.Adapters.Redis;
using Portway.Configuration;
using Portway.Internal;
using Portway.Pipelines;

namespace Portway.Host.Cli;

/// <summary>
/// <c>portway worker --group NAME</c>: a supervised child of <c>serve</c>. Its bootstrap (config, HMAC secret,
/// where the host listens) comes as one JSON line on stdin, never on the command line or in the environment.
/// It exits when stdin closes (the host stops it, or the host died) or when its link to the host breaks.
/// The host's nodes and settings on <see cref="PortwayWorker"/>'s one implementation (an embedded app's workers run
/// the same code).
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

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        new PortwayBuilder(services).AddNodesFrom(PipelineNodes.Assembly);
        return await PortwayWorker.RunGroupAsync(group, services, "portway worker",
            configure: (builder, config) =>
            {
                builder.AddPortwayRedisKv(config).AddPipelineSettings(config).AddPortwayEgress();

                // Without a generic host the pipelines' hosted service does not run: a directory or batch stage placed in a
                // worker group works on that process's own state, in memory.
                builder.Services.AddPortwayPipelines();
                PortwayApp.AddOpenTelemetry(builder.Services, config, prometheus: false);
            },
            built: provider =>
            {
                // No generic host here to start the exporters: resolving the providers starts them (worker spans join the caller's trace).
                _ = provider.GetService<TracerProvider>();
                _ = provider.GetService<OpenTelemetry.Metrics.MeterProvider>();
            },
            // The batch exporter sends every few seconds: export the last requests' spans before this process ends.
            ending: provider => provider.GetService<TracerProvider>()?.ForceFlush(2_000)).ConfigureAwait(false);
    }
}
