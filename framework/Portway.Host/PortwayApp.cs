using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portway.Adapters.Egress;
using Portway.Adapters.GraphQL;
using Portway.Adapters.Http;
using Portway.Adapters.Redis;
using Portway.Adapters.Timer;
using Portway.Adapters.WebSocket;
using Portway.Configuration;
using Portway.Internal.Observability;
using Portway.Observability;
using Portway.Pipelines;
using Scalar.AspNetCore;

namespace Portway.Host;

/// <summary>The composition root: one ASP.NET Core app serving a validated config. Wiring only, no logic.</summary>
internal static class PortwayApp
{
    /// <summary>
    /// How long <c>serve</c>'s stop may take: its requests drain for <c>drain_timeout_ms</c>; with <c>transport: redis</c>
    /// its replicas then drain the hops they hold (other hosts' too) for as long again, plus the worker's 6 s to cancel
    /// and send its last answers and the 2 s its supervisor waits before killing it.
    /// </summary>
    internal static TimeSpan ShutdownTimeout(PortwayConfig config)
    {
        var drain = config.Runtime.Web.DrainTimeoutMs;
        return TimeSpan.FromMilliseconds(config.Runtime.Platform.ExecutionIpc.Transport == "redis" ? 2L * drain + 15_000 : drain + 5_000L);
    }

    public static WebApplication Build(PortwayConfig config, PortwayAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new PortwayAppOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UsePortwayKestrel(config, options.Urls);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout(config));

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = false;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Kestrel's general category warns "HTTP/2 is not enabled" on every cleartext start, which is false here
        // (H2cPriorKnowledge serves h2c); its errors still show, and its specific categories keep Warning.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        foreach (var category in (string[])["Connections", "BadRequests", "Http2", "Http3"])
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel." + category, LogLevel.Warning);
        }

        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Information);
        options.ConfigureLogging?.Invoke(builder.Logging);

        var portway = builder.Services.AddPortway(config)
            .AddNodesFrom(PipelineNodes.Assembly)
            .AddPipelineSettings(config)
            .AddPortwayHttp()
            .AddPortwayWebSocket()
            .AddPortwayGraphQL()
            .AddPortwayRedis()
            .AddPortwayRedisKv(config)
            .AddPortwayRedisPolicies(config)
            .AddPortwayTimer()
            .AddPortwayEgress();
        builder.Services.AddPortwayPipelines();
        AddOpenTelemetry(builder.Services, config, prometheus: true);
        options.ConfigureServices?.Invoke(portway.Services);

        var app = builder.Build();
        // Portway authenticates per endpoint (the boundary policies call the JwtBearer handler where auth is required).
        // Mark authentication as placed (the key UseAuthentication() sets) so WebApplication does not add its
        // app-wide middleware, which would authenticate every request, with a DI scope each, for nothing.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UsePortwayPolicies();
        if (config.Runtime.Web.Metrics.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(config.Runtime.Web.Metrics.Path);
        }

        if (config.Runtime.Web.Docs.Enabled)
        {
            // Scalar's page and its JavaScript bundle are served by this host from the package (no CDN at run time).
            app.MapScalarApiReference(config.Runtime.Web.Docs.Path, o =>
            {
                o.Title = "Portway API";
                o.OpenApiRoutePattern = config.Runtime.Web.OpenApi.Path;
            });
        }

        app.MapPortway(o => o.NotFoundFallback = true);
        return app;
    }

    /// <summary>
    /// OpenTelemetry: the Prometheus exporter behind <c>runtime.web.metrics</c> (the host only), and OTLP export of
    /// traces and metrics when <c>runtime.observability.otlp_endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
    /// (Jaeger ingests OTLP natively). The standard <c>OTEL_*</c> variables win over the YAML.
    /// </summary>
    internal static void AddOpenTelemetry(IServiceCollection services, PortwayConfig config, bool prometheus)
    {
        var settings = OtlpSettings.From(config.Runtime.Observability);
        prometheus &= config.Runtime.Web.Metrics.Enabled;
        if (!settings.Export && !prometheus)
        {
            return;
        }

        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(settings.ServiceName));
        if (settings.Export)
        {
            // The source is process-wide: with two hosts in one process (embedding, tests) each provider would take part in
            // the other's sampling and export its spans. Each host samples and exports the spans it started only.
            otel.WithTracing(t => t.AddSource(PortwayTelemetry.Name)
                .SetSampler(sp => new HostSampler(InstanceOf(sp), new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplingRatio))))
                .AddProcessor(sp => new HostSpanExport(InstanceOf(sp), settings.TraceExportProcessor())));
        }

        otel.WithMetrics(m =>
        {
            m.AddMeter(PortwayTelemetry.Name);
            // The listener is process-wide: with two hosts in one process (embedding, tests) each would export the
            // other's instruments too. Keep only those made by this host's own meter factory.
            ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
            {
                var own = sp.GetService<IMeterFactory>();
                b.AddView(instrument => instrument.Meter.Name == PortwayTelemetry.Name && own is not null && !ReferenceEquals(instrument.Meter.Scope, own)
                    ? MetricStreamConfiguration.Drop
                    : null);
            });
            if (prometheus) m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // live figures: no cached scrape
            if (settings.Export) m.AddOtlpExporter(settings.Configure("metrics"));
        });
    }

    private static string InstanceOf(IServiceProvider services) => services.GetRequiredService<PortwayTracer>().InstanceId;
}
