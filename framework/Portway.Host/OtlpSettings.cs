using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using Portway.Configuration;

namespace Portway.Host;

/// <summary><c>runtime.observability</c> with the standard <c>OTEL_*</c> variables applied on top (they win).</summary>
internal sealed record OtlpSettings(string ServiceName, string? Endpoint, string Protocol, double SamplingRatio, bool EndpointFromEnvironment)
{
    public bool Export => Endpoint is not null;

    public static OtlpSettings From(ObservabilityConfig config) => From(config, Environment.GetEnvironmentVariable);

    public static OtlpSettings From(ObservabilityConfig config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        var envEndpoint = NonEmpty(environment("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var ratio = double.TryParse(environment("OTEL_TRACES_SAMPLER_ARG"), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1
            ? r
            : config.SamplingRatio;
        return new OtlpSettings(
            NonEmpty(environment("OTEL_SERVICE_NAME")) ?? config.ServiceName,
            envEndpoint ?? config.OtlpEndpoint,
            NonEmpty(environment("OTEL_EXPORTER_OTLP_PROTOCOL")) ?? config.OtlpProtocol,
            ratio,
            envEndpoint is not null);
    }

    /// <summary>
    /// Sets the exporter from the YAML only where no variable does (the exporter reads the variables itself); a YAML
    /// endpoint over http/protobuf gets the signal's path (<c>v1/</c><paramref name="signal"/>), as the variable would.
    /// </summary>
    public Action<OtlpExporterOptions> Configure(string signal) => options =>
    {
        options.Protocol = Protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        if (!EndpointFromEnvironment && Endpoint is not null)
        {
            options.Endpoint = new Uri(options.Protocol == OtlpExportProtocol.HttpProtobuf ? string.Join('/', Endpoint.TrimEnd('/'), "v1", signal) : Endpoint);
        }
    };

    /// <summary>
    /// The OTLP trace exporter and its processor, built as <c>AddOtlpExporter</c> builds them (the options read the
    /// <c>OTEL_EXPORTER_OTLP_*</c> and <c>OTEL_BSP_*</c> variables themselves, then <see cref="Configure"/> applies the
    /// YAML), so that <see cref="HostSpanExport"/> can hand it this host's spans only.
    /// </summary>
    public BaseProcessor<Activity> TraceExportProcessor()
    {
        var options = new OtlpExporterOptions();
        Configure("traces")(options);
        var exporter = new OtlpTraceExporter(options);
        var batch = options.BatchExportProcessorOptions;
        return options.ExportProcessorType == ExportProcessorType.Simple
            ? new SimpleActivityExportProcessor(exporter)
            : new BatchActivityExportProcessor(exporter, batch.MaxQueueSize, batch.ScheduledDelayMilliseconds, batch.ExporterTimeoutMilliseconds, batch.MaxExportBatchSize);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
