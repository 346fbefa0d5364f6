using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portway.Adapters.GraphQL;
using Portway.Adapters.Http;
using Portway.Adapters.Redis;
using Portway.Adapters.WebSocket;
using Portway.Configuration;
using Portway.Internal.Observability;
using Portway.Pipelines;

namespace Portway.Host;

/// <summary>The composition root: one ASP.NET Core app serving a validated config. Wiring only, no logic.</summary>
internal static class PortwayApp
{
    public static WebApplication Build(PortwayConfig config, PortwayAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new PortwayAppOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UsePortwayKestrel(config, options.Urls);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(config.Runtime.Web.DrainTimeoutMs + 5_000));

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
            .AddPortwayRedis();
        AddOpenTelemetry(builder.Services);
        options.ConfigureServices?.Invoke(portway.Services);

        var app = builder.Build();
        app.MapPortway(o => o.NotFoundFallback = true);
        return app;
    }

    /// <summary>OTLP traces and metrics when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (Jaeger ingests OTLP natively).</summary>
    internal static void AddOpenTelemetry(IServiceCollection services)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("portway"))
            .WithTracing(t => t.AddSource(PortwayTelemetry.Name).AddOtlpExporter())
            .WithMetrics(m => m.AddMeter(PortwayTelemetry.Name).AddOtlpExporter());
    }
}
