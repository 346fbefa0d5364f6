using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>runtime.observability</c> and the built-in <c>ready</c> / <c>metrics</c> endpoints: bound, defaulted, and every bad value reported with its position.</summary>
public sealed class ObservabilityConfigTests
{
    private const string Echo = """
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", ["sys.echo"]);

    [Fact]
    public void Load_Observability_BindsEveryKey()
    {
        var result = Load("""
            runtime:
              observability: { service_name: voice-api, otlp_endpoint: "http://127.0.0.1:4318", otlp_protocol: http/protobuf, sampling_ratio: 0.25 }
              web:
                ready: { path: /readyz }
                metrics: { enabled: false }
            """ + "\n" + Echo);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var o = result.Config!.Runtime.Observability;
        Assert.Equal(("voice-api", "http://127.0.0.1:4318", "http/protobuf", 0.25), (o.ServiceName, o.OtlpEndpoint, o.OtlpProtocol, o.SamplingRatio));
        Assert.Equal("/readyz", result.Config.Runtime.Web.Ready.Path);
        Assert.False(result.Config.Runtime.Web.Metrics.Enabled);
    }

    [Fact]
    public void Load_Defaults_ExportOffSampleAllReadyAndMetricsOn()
    {
        var result = Load(Echo);

        var config = result.Config!;
        Assert.Equal(("portway", null, "grpc", 1.0), (config.Runtime.Observability.ServiceName, config.Runtime.Observability.OtlpEndpoint, config.Runtime.Observability.OtlpProtocol, config.Runtime.Observability.SamplingRatio));
        Assert.Equal(("/ready", true), (config.Runtime.Web.Ready.Path, config.Runtime.Web.Ready.Enabled));
        Assert.Equal(("/metrics", true), (config.Runtime.Web.Metrics.Path, config.Runtime.Web.Metrics.Enabled));
    }

    [Fact]
    public void Load_BadObservabilityValues_ReportsEachWithItsPosition()
    {
        var result = Load("""
            runtime:
              observability:
                otlp_endpoint: "udp://x"
                otlp_protocol: thrift
                sampling_ratio: 1.5
                sampling: 1
              web:
                metrics: { path: /stats }
            """ + "\n" + Echo);

        Assert.Null(result.Config);
        var messages = result.Problems.Select(p => $"{p.Line}:{p.Column}: {p.Message}").ToArray();
        Assert.Contains(messages, m => m.StartsWith("3:20: otlp_endpoint: expected an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("4:20: otlp_protocol: expected one of grpc, http/protobuf", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("5:21: sampling_ratio: expected a number from 0 to 1, got 1.5", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("6:5: unknown key 'sampling' in runtime.observability", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("duplicate route: the built-in metrics endpoint's GET /stats", StringComparison.Ordinal));
        Assert.Equal(5, messages.Length);
    }

    [Fact]
    public void Load_QuotedSamplingRatio_IsATypeError()
    {
        var result = Load("""
            runtime:
              observability: { sampling_ratio: "0.5" }
            """ + "\n" + Echo);

        Assert.Contains(result.Problems, p => p.Message.StartsWith("sampling_ratio: expected a number, got", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DocsWithoutOpenApi_IsAnErrorAtOpenApiEnabled()
    {
        var result = Load("""
            runtime:
              web:
                openapi: { enabled: false }
            """ + "\n" + Echo);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((3, 25), (problem.Line, problem.Column));
        Assert.StartsWith("openapi: the docs page reads the OpenAPI document", problem.Message, StringComparison.Ordinal);
    }
}
