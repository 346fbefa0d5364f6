using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Egress;
using Portway.Adapters.Redis;
using Portway.Configuration;
using Portway.Internal.Security;
using Portway.Pipelines;

namespace Portway.Host.Cli;

/// <summary>
/// <c>portway worker --group NAME --config FILE [--worker-id ID]</c>: a standalone worker of a redis process group, for
/// another machine: no HTTP listener; it reads the group's hop stream and runs its stages until SIGTERM/SIGINT.
/// It needs the deployment's shared secret (<c>PORTWAY_IPC_SECRET</c> or <c>execution_ipc.auth.secret_file</c>) and
/// Redis (<c>runtime.platform.redis.connection</c> or <c>PORTWAY_REDIS</c>). <c>--supervised</c> (given by
/// <c>serve</c> to its local replicas) also stops it when its stdin closes.
/// </summary>
internal static class RedisWorkerCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? group = null, configPath = null, workerId = null;
        var supervised = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--group" when i + 1 < args.Count: group = args[++i]; break;
                case "--config" when i + 1 < args.Count: configPath = args[++i]; break;
                case "--worker-id" when i + 1 < args.Count: workerId = args[++i]; break;
                case "--supervised": supervised = true; break;
                default:
                    Console.Error.WriteLine($"portway worker: unexpected argument '{args[i]}'");
                    return Usage.Print(Console.Error);
            }
        }

        if (group is null || configPath is null)
        {
            Console.Error.WriteLine("portway worker: expected --group NAME --config FILE");
            return Usage.Print(Console.Error);
        }

        if (workerId is not null && WorkerIdProblem(workerId) is { } badId)
        {
            Console.Error.WriteLine($"portway worker: --worker-id '{workerId}' {badId}");
            return 2;
        }

        if (!File.Exists(configPath))
        {
            Console.Error.WriteLine($"portway worker: config file '{configPath}' not found");
            return 2;
        }

        var loaded = ConfigSource.Load(configPath);
        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems) Console.Error.WriteLine(problem);
            Console.Error.WriteLine($"{loaded.Problems.Count} problem(s): not working");
            return 1;
        }

        if (Refusal(config, group) is { } refusal)
        {
            Console.Error.WriteLine("portway worker: " + refusal);
            return 1;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        // Its stop drains the hops it holds for drain_timeout_ms, then takes up to 6 s to cancel the rest and send its last answers.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(config.Runtime.Web.DrainTimeoutMs + 8_000L));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddPortway(config)
            .AddNodesFrom(PipelineNodes.Assembly)
            .AddPortwayRedisWorker(group, workerId ?? $"{group}-{Environment.MachineName}-{Environment.ProcessId}")
            .AddPortwayRedisKv(config)
            .AddPortwayEgress();
        PortwayApp.AddOpenTelemetry(builder.Services, config, prometheus: false);
        using var host = builder.Build();
        if (supervised) StopWhenStdinCloses(host.Services.GetRequiredService<IHostApplicationLifetime>());
        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Null when <paramref name="id"/> can name a worker (its consumer name and announcement key), else why not.</summary>
    internal static string? WorkerIdProblem(string id) =>
        id.Length is 0 or > 128 ? "must be 1 to 128 characters"
        : id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "must not contain spaces or control characters"
        : null;

    /// <summary>Why this config cannot run a redis worker of <paramref name="group"/>, or null.</summary>
    internal static string? Refusal(PortwayConfig config, string group)
    {
        var ipc = config.Runtime.Platform.ExecutionIpc;
        if (ipc.Transport != "redis")
        {
            return $"--config runs a worker over Redis, and {config.Source} has execution_ipc.transport {ipc.Transport} (set it to redis; tcp_local workers are started by serve)";
        }

        var found = config.Runtime.Platform.ProcessGroups.FirstOrDefault(g => g.Name == group);
        if (found is null || found.Name == ProcessGroupConfig.WebGroup || found.Stages.Count == 0)
        {
            var groups = config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0).Select(g => g.Name);
            return $"process group '{group}' runs no stages in {config.Source} (groups with stages: {string.Join(", ", groups)})";
        }

        try
        {
            _ = IpcSecret.FromShared(ipc.Auth, Environment.GetEnvironmentVariable(IpcSecret.EnvironmentVariable));
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }

        return null;
    }

    private static void StopWhenStdinCloses(IHostApplicationLifetime lifetime)
    {
        _ = Task.Factory.StartNew(() =>
        {
            try
            {
                var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            lifetime.StopApplication();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
