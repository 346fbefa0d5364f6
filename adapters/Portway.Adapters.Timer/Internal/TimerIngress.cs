using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.Timer.Internal;

/// <summary>
/// The timer ingress: for each schedule of each <c>kind: timer</c> interface, a loop that waits one period (or until
/// the cron expression's next match) on the injected clock, then runs the pipeline through the public invoker with input <c>{}</c>, the schedule's deadline
/// and fresh correlation ids, and logs how it ended. Runs of one schedule never overlap: a tick that falls while a run
/// is still going is folded into the next. A failed run is logged and the schedule goes on. Stops with the host.
/// Each run is the root of its own trace (span <c>portway.timer SCHEDULE</c>, its stages' spans under it), so the
/// host's sampler decides whether a run is traced, as it does for a request that came without a <c>traceparent</c>.
/// </summary>
internal sealed class TimerIngress(PortwayConfig config, IPortwayInvoker invoker, TimeProvider time, PortwayTracer tracer, ILogger<TimerIngress> logger) : BackgroundService
{
    public const string InterfaceName = "timer";

    private static readonly byte[] EmptyInput = "{}"u8.ToArray();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = config.Runtime.Web.Interfaces
            .Where(i => i.Kind == InterfaceName)
            .SelectMany(i => i.Schedules)
            .ToArray();
        return Task.WhenAll(schedules.Select(s => RunScheduleAsync(s, stoppingToken)));
    }

    private async Task RunScheduleAsync(ScheduleConfig schedule, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (schedule.Cron.Length > 0)
            {
                await RunCronAsync(schedule, stoppingToken).ConfigureAwait(false);
                return;
            }

            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(schedule.EveryMs), time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunOnceAsync(schedule, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Waits on the injected clock for each time the cron expression matches after start, then runs. An occurrence
    /// that passes while a run is still going is skipped (runs never overlap): the next one is computed from the run's end.
    /// </summary>
    private async Task RunCronAsync(ScheduleConfig schedule, CancellationToken stoppingToken)
    {
        var from = time.GetUtcNow();
        while (schedule.NextOccurrence(from) is { } next)
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }

            await RunOnceAsync(schedule, stoppingToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            from = now > next ? now : next;
        }
    }

    private async Task RunOnceAsync(ScheduleConfig schedule, CancellationToken stoppingToken)
    {
        using var activity = tracer.StartRootActivity("portway.timer", schedule.Name, ActivityKind.Internal);
        var correlation = activity is null ? PortwayCorrelation.New() : new PortwayCorrelation(activity.TraceId.ToHexString(), EnvelopeIds.NewId(),
            "00-" + activity.TraceId.ToHexString() + "-" + activity.SpanId.ToHexString() + (activity.Recorded ? "-01" : "-00"));
        activity?.SetTag("portway.request_id", correlation.RequestId);
        activity?.SetTag("portway.pipeline", schedule.Pipeline);
        var started = Stopwatch.GetTimestamp();
        var result = await invoker.InvokeAsync(new PortwayRequest
        {
            Pipeline = schedule.Pipeline,
            Input = EmptyInput,
            Timeout = TimeSpan.FromMilliseconds(schedule.TimeoutMs),
            Correlation = correlation,
            Interface = InterfaceName,
        }, stoppingToken).ConfigureAwait(false);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (result.CallerCancelled)
        {
            return;
        }

        if (result.Error is { } error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            TimerLog.RunFailed(logger, schedule.Name, schedule.Pipeline, error.Code, error.Message, correlation.RequestId);
        }
        else
        {
            TimerLog.RunDone(logger, schedule.Name, schedule.Pipeline, elapsedMs, correlation.RequestId);
        }
    }
}
