using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Correlation;

namespace Portway.Internal.Lifecycle;

/// <summary>
/// Graceful stop: when the host begins stopping (SIGTERM), ingress refuses new work with <c>unavailable</c>
/// while in-flight requests may finish for <c>drain_timeout_ms</c>; then every waiter still pending is
/// ended with <c>unavailable</c>, so no caller waits past the drain.
/// </summary>
internal sealed partial class DrainCoordinator(
    IHostApplicationLifetime lifetime,
    WaiterRegistry waiters,
    PortwayConfig config,
    TimeProvider time,
    ILogger<DrainCoordinator> logger) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _drained = new();
    private CancellationTokenRegistration _stopping;
    private ITimer? _poll;
    private long _deadline;
    private int _draining;

    /// <summary>True once stopping began: new requests must be refused.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    /// <summary>Cancelled when draining ended (all waiters done, or the drain timed out).</summary>
    public CancellationToken Drained => _drained.Token;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(BeginDrain);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Drains before any hosted service stops, the web server included: while draining the listener still accepts, so
    /// a new request (and <c>/ready</c>) answers 503 instead of meeting a refused connection.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drains, and returns once draining ended (or the host's shutdown timeout fires).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(_drained.Token, cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Starts draining (idempotent).</summary>
    public void BeginDrain()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            return;
        }

        var timeout = TimeSpan.FromMilliseconds(config.Runtime.Web.DrainTimeoutMs);
        LogDraining(logger, waiters.Pending, (long)timeout.TotalMilliseconds);
        _deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        _poll = time.CreateTimer(_ => Check(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    private void Check()
    {
        if (_drained.IsCancellationRequested)
        {
            return;
        }

        if (waiters.Pending == 0)
        {
            Finish();
        }
        else if (time.GetTimestamp() >= _deadline)
        {
            var failed = waiters.FailAll(WaiterEnd.Shutdown);
            LogDrainTimedOut(logger, failed);
            Finish();
        }
    }

    private void Finish()
    {
        _poll?.Dispose();
        try
        {
            _drained.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _poll?.Dispose();
        _drained.Dispose();
    }

    [LoggerMessage(EventId = EventIds.Draining, Level = LogLevel.Information, Message = "Draining: {Pending} request(s) in flight, up to {TimeoutMs} ms to finish")]
    private static partial void LogDraining(ILogger logger, int pending, long timeoutMs);

    [LoggerMessage(EventId = EventIds.DrainTimedOut, Level = LogLevel.Warning, Message = "Drain timed out: {Failed} request(s) answered unavailable")]
    private static partial void LogDrainTimedOut(ILogger logger, int failed);
}
