using Portway.Internal.Supervision;
using Portway.Testing;

namespace Portway.Framework.Tests.Supervision;

public sealed class WorkerConfigTextTests
{
    public static TheoryData<string> ShippedConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(RepoPaths.Config("runtime.yaml"))!, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void For_EveryShippedConfig_LoadsWithTheSamePipelinesAndGroupsAndNoWebSection(string name)
    {
        var config = TestConfig.LoadRepoFile(name);

        var text = WorkerConfigText.For(config.Text);
        var reduced = TestConfig.Load(text);

        Assert.Equal(config.Pipelines.Keys.Order(StringComparer.Ordinal), reduced.Pipelines.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(config.Runtime.Platform.ProcessGroups.Select(g => (g.Name, string.Join(",", g.Stages))), reduced.Runtime.Platform.ProcessGroups.Select(g => (g.Name, string.Join(",", g.Stages))));
        Assert.DoesNotContain("web:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("interfaces", text, StringComparison.Ordinal);
    }

    [Fact]
    public void For_Observability_IsKeptSoWorkersExportWhereTheHostDoes()
    {
        var config = TestConfig.Load("""
            runtime:
              observability: { service_name: voice, otlp_endpoint: "http://127.0.0.1:4318", otlp_protocol: http/protobuf, sampling_ratio: 0.5 }
              web: { listen: "http://127.0.0.1:9999" }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);

        var reduced = TestConfig.Load(WorkerConfigText.For(config.Text)).Runtime.Observability;

        Assert.Equal(("voice", "http://127.0.0.1:4318", "http/protobuf", 0.5), (reduced.ServiceName, reduced.OtlpEndpoint, reduced.OtlpProtocol, reduced.SamplingRatio));
    }

    [Fact]
    public void For_Egress_IsKeptSoAStageInAWorkerCanCallOut()
    {
        var config = TestConfig.Load("""
            runtime:
              platform: { execution_ipc: { transport: tcp_local }, process_groups: [ { name: cpu, stages: [call.call] } ] }
              egress:
                http:
                  - { name: scorer, base_url: "http://127.0.0.1:9/", timeout_ms: 500 }
            pipelines:
              call: { stages: [ { name: call, node: sys.http_call, with: { egress: scorer, path: /score } } ] }
            """);

        var reduced = TestConfig.Load(WorkerConfigText.For(config.Text)).Runtime.Egress.Http.Single();

        Assert.Equal(("scorer", 500), (reduced.Name, reduced.TimeoutMs));
    }
}
