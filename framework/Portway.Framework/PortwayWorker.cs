using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Nodes;

namespace Portway;

/// <summary>
/// The worker side of an application of your own. With <c>execution_ipc.transport: tcp_local</c>, Portway runs the
/// stages of a non-web process group in supervised children started as your own executable with
/// <c>worker --group NAME</c>; your <c>Program</c> hands those runs to Portway with one call, before it builds the app:
/// <code>
/// builder.Services.AddPortway(o => o.ConfigFile = "portway.yaml").AddNode&lt;MyNode&gt;();
/// if (await PortwayWorker.TryRunAsync(args, builder.Services) is { } exitCode) return exitCode;
/// var app = builder.Build();
/// </code>
/// The child serves the group with your registrations (your nodes, their services, your options); it builds no web app.
/// </summary>
public static class PortwayWorker
{
    /// <summary>
    /// When <paramref name="args"/> start with <c>worker</c>, runs this process as a Portway worker until its host stops
    /// it and returns the exit code; otherwise returns null at once.
    /// </summary>
    /// <param name="args">The process's arguments.</param>
    /// <param name="services">The application's services, with <c>AddPortway(...)</c> and the nodes registered.</param>
    public static async Task<int?> TryRunAsync(string[] args, IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        if (args is not ["worker", ..])
        {
            return null;
        }

        if (args is not ["worker", "--group", { Length: > 0 } group, ..])
        {
            await Console.Error.WriteLineAsync("worker: expected worker --group NAME (started by the Portway host, bootstrap on stdin)").ConfigureAwait(false);
            return WorkerRuntime.ExitBadBootstrap;
        }

        return await RunGroupAsync(group, services, "worker").ConfigureAwait(false);
    }

    /// <summary>
    /// Runs this process as a worker of <paramref name="group"/> (the one implementation behind <see cref="TryRunAsync"/>
    /// and the host's <c>portway worker --group NAME</c>): reads the bootstrap from stdin, loads its config against the
    /// nodes <paramref name="services"/> registers (and the built-in ones), builds the worker's provider from
    /// <paramref name="services"/> (minus hosted services and the application's own config and secret) and serves the
    /// group's stages until stdin closes or the link to the host breaks.
    /// </summary>
    /// <param name="group">The process group named on the command line; the bootstrap must be for it.</param>
    /// <param name="services">The registrations the worker runs with: nodes, their services, options, logging.</param>
    /// <param name="who">How messages on stderr name this command (<c>worker</c>, <c>portway worker</c>).</param>
    /// <param name="configure">Registrations that need the bootstrap's config (a kv backend, node settings, telemetry).</param>
    /// <param name="built">Runs once the worker's provider is built, before the stages are served (start exporters).</param>
    /// <param name="ending">Runs before the worker ends, when its stages are done or at the stop deadline (flush exporters:
    /// the deadline's <see cref="Environment.Exit(int)"/> runs no disposal).</param>
    internal static async Task<int> RunGroupAsync(string group, IServiceCollection services, string who,
        Action<IPortwayBuilder, PortwayConfig>? configure = null, Action<IServiceProvider>? built = null, Action<IServiceProvider>? ending = null)
    {
        // SIGINT and SIGTERM are ignored: a Ctrl+C reaches the whole process group; the host drains before it stops
        // its workers (stdin closes).
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);
        var stdin = new StreamReader(Console.OpenStandardInput());
        var bootstrap = await Task.Factory.StartNew(() => WorkerRuntime.ReadBootstrapAsync(stdin, CancellationToken.None).GetAwaiter().GetResult(),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        if (bootstrap is null || bootstrap.Group != group)
        {
            await Console.Error.WriteLineAsync(who + ": no valid bootstrap on stdin for group " + group).ConfigureAwait(false);
            return WorkerRuntime.ExitBadBootstrap;
        }

        var registrations = services.Where(d => d.ServiceType == typeof(NodeRegistration) && d.ImplementationInstance is NodeRegistration)
            .Select(d => (NodeRegistration)d.ImplementationInstance!).Concat(NodeDiscovery.BuiltIn).ToArray();
        string[] NamesOf(Func<NodeRegistration, bool> which) => registrations.Where(which).Select(r => r.Name).Distinct(StringComparer.Ordinal).ToArray();
        var loaded = PortwayConfigLoader.Load(bootstrap.ConfigText, bootstrap.ConfigSource, NamesOf(_ => true),
            NamesOf(r => typeof(IStreamNode).IsAssignableFrom(r.NodeType)), NamesOf(r => typeof(Kv.IKvStreamNode).IsAssignableFrom(r.NodeType)));
        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems) await Console.Error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            return WorkerRuntime.ExitBadBootstrap;
        }

        config.Runtime.Platform.DataDir = bootstrap.DataDir;
        using var stopping = new CancellationTokenSource();
        Action? beforeExit = null;
        _ = Task.Factory.StartNew(() => WatchStdin(stdin, stopping, () => Volatile.Read(ref beforeExit)?.Invoke()),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // The registrations (nodes, their services, options, logging) minus what only a host runs, with the config and
        // secret of the bootstrap in place of the application's own.
        IServiceCollection worker = new ServiceCollection();
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType != typeof(IHostedService) && descriptor.ServiceType != typeof(PortwayConfig) && descriptor.ServiceType != typeof(IpcSecret))
            {
                worker.Add(descriptor);
            }
        }

        worker.AddLogging();
        var builder = worker.AddPortwayWorker(config, bootstrap);
        configure?.Invoke(builder, config);
        await using var provider = worker.BuildServiceProvider();
        built?.Invoke(provider);
        if (ending is not null)
        {
            Volatile.Write(ref beforeExit, () => ending(provider));
        }

        var exit = await WorkerRuntime.RunAsync(provider, bootstrap, stopping.Token).ConfigureAwait(false);
        ending?.Invoke(provider);
        return exit;
    }

    /// <summary>Stdin's end (the host closed it, or died) is the signal to stop; a worker that does not stop in time is ended.</summary>
    private static void WatchStdin(StreamReader stdin, CancellationTokenSource stopping, Action beforeExit)
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
        beforeExit();
        Environment.Exit(WorkerRuntime.ExitStopped);
    }
}
