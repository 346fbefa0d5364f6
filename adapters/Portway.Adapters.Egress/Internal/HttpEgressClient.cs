using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Portway.Configuration;
using Portway.Egress;
using Portway.Observability;

namespace Portway.Adapters.Egress.Internal;

/// <summary>
/// One named outbound HTTP client: an <see cref="HttpClient"/> whose <see cref="ResilienceHandler"/> runs, outermost
/// first, the total timeout, the retries (exponential backoff, jitter), the circuit breaker and the per-attempt
/// timeout, all on the injected <see cref="TimeProvider"/>. Failures become taxonomy errors (see <see cref="IPortwayEgress"/>).
/// </summary>
internal sealed partial class HttpEgressClient : IDisposable
{
    private readonly HttpEgressConfig _config;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly KeyValuePair<string, string>[] _headers;
    private long _calls;
    private long _failures;
    private long _retries;
    private volatile string _breaker = "closed";

    /// <param name="transport">The innermost handler (tests); defaults to a <see cref="SocketsHttpHandler"/>.</param>
    public HttpEgressClient(HttpEgressConfig config, TimeProvider time, ILogger logger, KeyValuePair<string, string>[] headers, HttpMessageHandler? transport = null)
    {
        _config = config;
        _logger = logger;
        _headers = headers;
        var pipeline = BuildPipeline(time);
        transport ??= new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromMilliseconds(config.TimeoutMs),
            AllowAutoRedirect = false,
            ActivityHeadersPropagator = null, // the traceparent is the envelope's, set on each request
        };
        _client = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new AttemptHandler(config.MaxResponseBytes) { InnerHandler = transport } })
        {
            BaseAddress = new Uri(config.BaseUrl.EndsWith('/') ? config.BaseUrl : config.BaseUrl + "/"),
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline's timeouts and the caller's token decide
        };
    }

    /// <summary>Raised before each retry with its attempt number (0: the first retry) and delay (tests observe the backoff).</summary>
    internal event Action<int, TimeSpan>? RetryScheduled;

    public string Name => _config.Name;

    /// <summary>Starts this client's spans as its host's (null in tests: spans that name no host).</summary>
    public PortwayTracer? Tracer { get; init; }

    /// <summary><c>closed</c>, <c>open</c> or <c>half_open</c>.</summary>
    public string BreakerState => _breaker;

    public long Calls => Interlocked.Read(ref _calls);

    public long Failures => Interlocked.Read(ref _failures);

    public long Retries => Interlocked.Read(ref _retries);

    public async ValueTask<EgressResponse> CallAsync(EgressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _calls);
        var path = request.Path.Length == 0 ? "/" : request.Path;
        var what = $"egress '{Name}': {request.Method} {path}";
        if (!path.StartsWith('/') || !Uri.TryCreate(path[1..], UriKind.Relative, out var relative))
        {
            Interlocked.Increment(ref _failures);
            throw new PortwayException(ErrorCode.ValidationFailed, $"{what}: the path must start with '/'");
        }

        using var activity = StartActivity(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), relative);
        var attempts = new StrongBoxInt();
        message.Options.Set(AttemptHandler.Attempts, attempts);
        var traceParent = activity?.Id ?? request.TraceParent;
        if (traceParent.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        foreach (var (name, value) in _headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (!request.Body.IsEmpty)
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        try
        {
            using var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(ErrorCode.BadGateway, $"{what} answered {(int)response.StatusCode} ({response.ReasonPhrase}) after {Attempts(attempts)}");
            }

            return new EgressResponse { StatusCode = (int)response.StatusCode, Body = body, MediaType = response.Content.Headers.ContentType?.MediaType ?? "" };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            throw; // the caller's cancellation (its deadline) is not a failure of the upstream
        }
        catch (TimeoutRejectedException)
        {
            throw Failure(ErrorCode.Timeout, $"{what} got no answer in time (timeout_ms {_config.TimeoutMs} per attempt, total_timeout_ms {_config.TotalTimeoutMs}) after {Attempts(attempts)}");
        }
        catch (BrokenCircuitException)
        {
            throw Failure(ErrorCode.Unavailable, $"egress '{Name}': circuit breaker is open after repeated failures; calls resume after break_ms {_config.Breaker.BreakMs}");
        }
        catch (ResponseTooLargeException ex)
        {
            throw Failure(ErrorCode.BadGateway, $"{what}: {ex.Message} (max_response_bytes)");
        }
        catch (HttpRequestException ex)
        {
            throw Failure(ErrorCode.Unavailable, $"{what} could not reach the upstream after {Attempts(attempts)}: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            throw Failure(ErrorCode.Timeout, $"{what} was cancelled by the connection before an answer");
        }
    }

    public void Dispose() => _client.Dispose();

    private PortwayException Failure(string code, string message)
    {
        Interlocked.Increment(ref _failures);
        return new PortwayException(code, message);
    }

    private static string Attempts(StrongBoxInt attempts) => attempts.Value == 1 ? "1 attempt" : $"{attempts.Value} attempts";

    private Activity? StartActivity(EgressRequest request)
    {
        if (!PortwayTracing.Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(request.TraceParent, null, out var parent);
        var target = request.Method + " " + Name;
        var activity = Tracer is { } tracer
            ? tracer.StartActivity("portway.egress", target, ActivityKind.Client, parent)
            : PortwayTracing.StartActivity("portway.egress", target, ActivityKind.Client, parent);
        activity?.SetTag("portway.egress", Name);
        activity?.SetTag("http.request.method", request.Method);
        return activity;
    }
}
