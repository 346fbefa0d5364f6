using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// A real OTLP/HTTP receiver (Kestrel on 127.0.0.1, a free port): <c>POST /v1/traces</c> bodies decoded as
/// <c>ExportTraceServiceRequest</c> by Google.Protobuf from the OTLP <c>.proto</c> files; <c>/v1/metrics</c> accepted and dropped.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<string> _refused = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>A span with the resource attributes of the process that sent it.</summary>
    public sealed record ReceivedSpan(Span Span, IReadOnlyDictionary<string, string> Resource)
    {
        public string TraceId => Convert.ToHexStringLower(Span.TraceId.Span);

        public string SpanId => Convert.ToHexStringLower(Span.SpanId.Span);

        public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.Span);

        public string? Attribute(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Bodies that were not a valid export request (with why).</summary>
    public IReadOnlyList<string> Refused => [.. _refused];

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<ReceivedSpan> All => [.. _spans];

    /// <summary>Every span received so far of trace <paramref name="traceId"/> (hex).</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId) => _spans.Where(s => s.TraceId == traceId).ToArray();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.TracesAsync);
        app.MapPost("/v1/metrics", (HttpContext context) => Protobuf(context, []));
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    private async Task TracesAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        ExportTraceServiceRequest request;
        try
        {
            if (context.Request.ContentType != "application/x-protobuf") throw new InvalidDataException("content type " + context.Request.ContentType);
            request = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            _refused.Enqueue(ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = resourceSpans.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase == OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.StringValue ? a.Value.StringValue : a.Value.ToString(), StringComparer.Ordinal);
            foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
            {
                _spans.Enqueue(new ReceivedSpan(span, resource));
            }
        }

        await Protobuf(context, new ExportTraceServiceResponse().ToByteArray());
    }

    private static Task Protobuf(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/x-protobuf";
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
