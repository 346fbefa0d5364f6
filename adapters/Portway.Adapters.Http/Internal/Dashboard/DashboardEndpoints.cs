using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.Http.Internal.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>: a static page (HTML, script and style embedded in this assembly, nothing from the internet)
/// that draws the config's pipelines and follows the runtime's live figures, from <c>/dashboard/snapshot</c> (JSON:
/// the topology and the figures now) and <c>/dashboard/events</c> (server-sent events: the figures every second).
/// </summary>
internal sealed class DashboardEndpoints
{
    /// <summary>How often the live feed sends the figures.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Live feeds open at once; one more is answered 503 <c>unavailable</c> (each costs a timer and a JSON write a second).</summary>
    public const int MaxStreams = 64;

    /// <summary>The page may load only this host's own script, style and data (no CDN, no inline script).</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly byte[] Retry = "retry: 2000\n\n"u8.ToArray();

    private readonly PortwayConfig _config;
    private readonly IPortwayConfigReloader? _reloader;
    private readonly PortwayStats _stats;
    private readonly BuiltinEndpoints _builtins;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly byte[] _page;
    private readonly byte[] _script;
    private readonly byte[] _style;
    private int _streams;

    public DashboardEndpoints(PortwayConfig config, PortwayStats stats, BuiltinEndpoints builtins, TimeProvider time, IHostApplicationLifetime? lifetime = null,
        IPortwayConfigReloader? reloader = null)
    {
        _config = config;
        _reloader = reloader;
        _stats = stats;
        _builtins = builtins;
        _time = time;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        var path = config.Runtime.Web.Dashboard.Path;
        _page = Encoding.UTF8.GetBytes(Resource("index.html").Replace("__BASE__", HtmlEncoder.Default.Encode(path.TrimEnd('/')), StringComparison.Ordinal));
        _script = Encoding.UTF8.GetBytes(Resource(DashboardRoutes.Script));
        _style = Encoding.UTF8.GetBytes(Resource(DashboardRoutes.Style));
    }

    /// <summary>Live feeds open now.</summary>
    public int OpenStreams => Volatile.Read(ref _streams);

    public Task PageAsync(HttpContext context) => WriteStaticAsync(context, "text/html; charset=utf-8", _page);

    public Task ScriptAsync(HttpContext context) => WriteStaticAsync(context, "text/javascript; charset=utf-8", _script);

    public Task StyleAsync(HttpContext context) => WriteStaticAsync(context, "text/css; charset=utf-8", _style);

    /// <summary>The topology and the figures now, in one JSON object.</summary>
    public Task SnapshotAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("interval_ms", (long)Interval.TotalMilliseconds);
            DashboardTopology.Write(w, _reloader?.Current ?? _config); // the pipelines serving now: a reload may have changed them
            w.WritePropertyName("stats");
            WriteStats(w);
            w.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>
    /// The live feed: an <c>event: stats</c> at once, then one every <see cref="Interval"/>, until the client leaves
    /// or the host stops (a feed never holds the shutdown up; the page's EventSource reconnects on its own).
    /// </summary>
    public async Task EventsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Interlocked.Increment(ref _streams) > MaxStreams)
        {
            Interlocked.Decrement(ref _streams);
            var correlation = RequestCorrelation.From(context.Request);
            await HttpErrorWriter.WriteAsync(context.Response, new PortwayError(ErrorCode.Unavailable, $"{MaxStreams} dashboard feeds are open already; close one or use {_config.Runtime.Web.Dashboard.Path}/{DashboardRoutes.Snapshot}"),
                correlation.RequestId, correlation.TraceId).ConfigureAwait(false);
            return;
        }

        try
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            using var timer = new PeriodicTimer(Interval, _time);
            var buffer = new ArrayBufferWriter<byte>(4096);
            await response.Body.WriteAsync(Retry, ended.Token).ConfigureAwait(false);
            do
            {
                buffer.ResetWrittenCount();
                buffer.Write("event: stats\ndata: "u8);
                using (var w = new Utf8JsonWriter(buffer))
                {
                    WriteStats(w);
                }

                buffer.Write("\n\n"u8);
                await response.Body.WriteAsync(buffer.WrittenMemory, ended.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ended.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The client left, or the host stops: the feed ends.
        }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    private void WriteStats(Utf8JsonWriter w) => _stats.WriteJson(w, _builtins.WritePolicies);

    private static Task WriteStaticAsync(HttpContext context, string contentType, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }

    private static string Resource(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Portway.Dashboard." + name)
            ?? throw new InvalidOperationException($"the dashboard resource '{name}' is missing from {typeof(DashboardEndpoints).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
