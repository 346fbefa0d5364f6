namespace Portway.Configuration;

/// <summary><c>runtime.observability</c>: trace export. The standard <c>OTEL_*</c> environment variables win over each key.</summary>
public sealed class ObservabilityConfig
{
    /// <summary><c>service_name</c>: the <c>service.name</c> of exported telemetry (<c>OTEL_SERVICE_NAME</c> wins). Defaults to <c>portway</c>.</summary>
    public string ServiceName { get; set; } = "portway";

    /// <summary>
    /// <c>otlp_endpoint</c>: where traces (and metrics) are exported over OTLP, e.g. <c>http://127.0.0.1:4317</c>
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> wins). Defaults to none: no export.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>otlp_protocol</c>: <c>grpc</c> or <c>http/protobuf</c> (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c> wins). Defaults to <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary><c>sampling_ratio</c>: the share of new traces sampled, 0 to 1; a caller's sampled flag is followed (<c>OTEL_TRACES_SAMPLER_ARG</c> wins). Defaults to 1.</summary>
    public double SamplingRatio { get; set; } = 1.0;
}
