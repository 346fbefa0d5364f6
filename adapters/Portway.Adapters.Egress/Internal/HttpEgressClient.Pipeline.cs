using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Portway.Adapters.Egress.Internal;

internal sealed partial class HttpEgressClient
{
    /// <summary>Total timeout → retry → circuit breaker → attempt timeout (the standard resilience handler's order).</summary>
    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "portway-egress-" + _config.Name, TimeProvider = time };
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromMilliseconds(_config.TotalTimeoutMs) });
        if (_config.Retry.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = _config.Retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _config.Retry.Jitter,
                Delay = TimeSpan.FromMilliseconds(_config.Retry.BaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(_config.Retry.MaxDelayMs),
                ShouldRetryAfterHeader = false, // the configured backoff decides; a peer cannot stretch a caller's wait
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    EgressLog.Retrying(_logger, _config.Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, Describe(args.Outcome));
                    RetryScheduled?.Invoke(args.AttemptNumber, args.RetryDelay);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = _config.Breaker.FailureRatio,
            MinimumThroughput = _config.Breaker.MinThroughput,
            SamplingDuration = TimeSpan.FromMilliseconds(_config.Breaker.SamplingMs),
            BreakDuration = TimeSpan.FromMilliseconds(_config.Breaker.BreakMs),
            OnOpened = args =>
            {
                _breaker = "open";
                EgressLog.BreakerOpened(_logger, _config.Name, args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                return default;
            },
            OnHalfOpened = _ =>
            {
                _breaker = "half_open";
                EgressLog.BreakerHalfOpened(_logger, _config.Name);
                return default;
            },
            OnClosed = _ =>
            {
                _breaker = "closed";
                EgressLog.BreakerClosed(_logger, _config.Name);
                return default;
            },
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromMilliseconds(_config.TimeoutMs) });
        return builder.Build();
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } ex ? ex.GetType().Name
        : outcome.Result is { } response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (response.ReasonPhrase ?? ((HttpStatusCode)response.StatusCode).ToString())
        : "no result";
}
