using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Http;
using Portway.Configuration;
using Portway.Internal.Hosting;

namespace Portway.Host.Cli;

/// <summary><c>portway serve [--config FILE] [--urls URL]</c>: validate, log the contract summary, listen until SIGTERM, drain.</summary>
internal static partial class ServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? configPath = null, urls = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Count:
                    configPath = args[++i];
                    break;
                case "--urls" when i + 1 < args.Count:
                    urls = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"portway serve: unexpected argument '{args[i]}'");
                    return Usage.Print(Console.Error);
            }
        }

        if (configPath is not null && !File.Exists(configPath))
        {
            Console.Error.WriteLine($"portway serve: config file '{configPath}' not found");
            return 2;
        }

        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigSource.Load(configPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"portway serve: cannot read the config: {ex.Message}");
            return 2;
        }

        if (loaded.Config is not { } config)
        {
            foreach (var problem in loaded.Problems)
            {
                Console.Error.WriteLine(problem);
            }

            Console.Error.WriteLine($"{loaded.Problems.Count} problem(s): not serving");
            return 1;
        }

        if (config.Runtime.Platform.ExecutionIpc.Transport == "redis")
        {
            try
            {
                _ = Portway.Internal.Security.IpcSecret.FromShared(config.Runtime.Platform.ExecutionIpc.Auth,
                    Environment.GetEnvironmentVariable(Portway.Internal.Security.IpcSecret.EnvironmentVariable));
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine("1 problem(s): not serving");
                return 1;
            }
        }

        WebApplication app;
        try
        {
            // Reload: the same file again, on a change of it and on SIGHUP (`portway reload` sends one).
            var watched = configPath ?? (File.Exists(ConfigSource.DefaultPath) ? ConfigSource.DefaultPath : null);
            var reloadSource = new ConfigReloadSource(() => ConfigSource.Load(configPath), watched, watch: true);
            app = PortwayApp.Build(config, new PortwayAppOptions { Urls = urls, ConfigureServices = services => services.AddSingleton(reloadSource) });
        }
        catch (TlsCertificateException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("1 problem(s): not serving");
            return 1;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portway.Host");
        LogConfigFile(logger, ConfigSource.Describe(configPath), Environment.CurrentDirectory);
        LogSummary(logger, config.Source, ContractSummary.Render(config));
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            // Kestrel's message names the address: "Failed to bind to address http://...: address already in use."
            Console.Error.WriteLine($"portway serve: {ex.Message}");
            Console.Error.WriteLine("1 problem(s): not serving");
            return 1;
        }

        return 0;
    }

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Config: {File} (relative paths start at {WorkingFolder})")]
    private static partial void LogConfigFile(ILogger logger, string file, string workingFolder);

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Contract summary of {Source}:\n{Summary}")]
    private static partial void LogSummary(ILogger logger, string source, string summary);
}
