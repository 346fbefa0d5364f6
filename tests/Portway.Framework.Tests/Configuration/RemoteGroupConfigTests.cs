using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>
/// Groups whose stages run outside the host: <c>replicas: 0</c> (standalone workers only) is a redis-only setting, and
/// the profiles of <c>profile_store: kv</c> must live where those processes can see them.
/// </summary>
public sealed class RemoteGroupConfigTests
{
    private static ConfigLoadResult Load(string platform) => PortwayConfigLoader.Load($$"""
        runtime:
          platform:
            {{platform}}
        pipelines:
          p:
            stages:
              - { name: core, node: sys.echo }
        """, "test.yaml", ["sys.echo"]);

    [Fact]
    public void ReplicasZero_WithRedis_IsValid_NoLocalWorker()
    {
        var result = Load("""
            execution_ipc: { transport: redis }
                process_groups: [{ name: far, stages: [p.core], replicas: 0 }]
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(0, result.Config!.Runtime.Platform.ProcessGroups.Single(g => g.Name == "far").Replicas);
    }

    [Theory]
    [InlineData("tcp_local")]
    [InlineData("memory")]
    public void ReplicasZero_WithoutRedis_IsAConfigError(string transport)
    {
        var result = Load($$"""
            execution_ipc: { transport: {{transport}} }
                process_groups: [{ name: far, replicas: 0 }]
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"replicas: 0 leaves process group 'far' with no process to run its stages; only execution_ipc.transport redis has standalone workers (portway worker --group far), transport is {transport} (use replicas 1 or more)", problem.Message);
        Assert.Equal(("test.yaml", 4, 45), (problem.File, problem.Line, problem.Column));
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("tcp_local")]
    public void ProfileStoreKv_OnMemoryBackend_WithStagesInChildProcesses_IsAConfigError(string transport)
    {
        var result = Load($$"""
            profile_store: kv
                kv: { backend: memory }
                execution_ipc: { transport: {{transport}} }
                process_groups: [{ name: far, stages: [p.core] }]
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("profile_store: kv with kv.backend memory keeps the profiles in the host's memory, which the stages of process group(s) 'far' cannot see from their own processes; use kv.backend redis (shared by every process), profile_store file, or run those stages in the web group", problem.Message);
        Assert.Equal(("test.yaml", 3, 20), (problem.File, problem.Line, problem.Column));
    }

    [Theory]
    [InlineData("profile_store: kv\n    kv: { backend: memory }\n    execution_ipc: { transport: tcp_local }\n    process_groups: [{ name: far }]")]
    [InlineData("profile_store: kv\n    kv: { backend: redis }\n    execution_ipc: { transport: redis }\n    process_groups: [{ name: far, stages: [p.core] }]")]
    [InlineData("profile_store: file\n    execution_ipc: { transport: redis }\n    process_groups: [{ name: far, stages: [p.core] }]")]
    [InlineData("profile_store: kv\n    kv: { backend: memory }")]
    public void ProfileStoreKv_WhereEveryStageSeesIt_IsValid(string platform)
    {
        var result = Load(platform);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }
}
