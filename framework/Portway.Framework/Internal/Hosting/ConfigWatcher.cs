using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portway.Internal.Hosting;

/// <summary>
/// Reloads the config when its file changes (a burst of file events is one reload, after 250 ms of quiet) and on SIGHUP.
/// Does nothing unless the source asks to be watched.
/// </summary>
internal sealed partial class ConfigWatcher(IPortwayConfigReloader reloader, TimeProvider time, ILogger<ConfigWatcher> logger, ConfigReloadSource? source = null)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private ITimer? _debounce;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (source is not { Watch: true })
        {
            return Task.CompletedTask;
        }

        _debounce = time.CreateTimer(_ => reloader.Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP reloads; it does not end the process
                _debounce.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            });
        }

        if (source.FilePath is { } path && Path.GetDirectoryName(path) is { } folder)
        {
            try
            {
                _watcher = new FileSystemWatcher(folder, Path.GetFileName(path))
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                _watcher.Changed += OnChanged;
                _watcher.Created += OnChanged;
                _watcher.Renamed += OnChanged;
                _watcher.EnableRaisingEvents = true;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
            {
                LogWatchFailed(logger, path, ex.Message);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => _debounce?.Change(Quiet, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _sighup?.Dispose();
        _sighup = null;
        _debounce?.Dispose();
    }

    [LoggerMessage(EventId = EventIds.ConfigWatchFailed, Level = LogLevel.Warning, Message = "Cannot watch {Path} for changes ({Reason}): reload with SIGHUP")]
    private static partial void LogWatchFailed(ILogger logger, string path, string reason);
}
