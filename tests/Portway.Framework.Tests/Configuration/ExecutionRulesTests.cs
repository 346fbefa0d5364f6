using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>Where stages may run: the rules <c>portway check</c> enforces for process groups and tcp_local.</summary>
public sealed class ExecutionRulesTests
{
    private static ConfigLoadResult Load(string platform) => PortwayConfigLoader.Load($$"""
        runtime:
          platform:
        {{platform}}
        pipelines:
          p:
            stages:
              - { name: core, node: sys.echo }
              - { name: tail, node: sys.echo, after: [core] }
        """, "test.yaml", ["sys.echo"]);

    [Theory]
    [InlineData("    execution_ipc: { transport: tcp_local }\n    process_groups: [{ name: cpu, stages: [core], replicas: 3 }]")]
    [InlineData("    execution_ipc: { transport: redis }\n    process_groups: [{ name: cpu, stages: [core] }]")]
    [InlineData("    execution_ipc: { transport: memory }\n    process_groups: [{ name: web }, { name: idle }]")]
    [InlineData("    execution_ipc: { transport: redis, auth: { secret_file: /etc/portway/secret } }\n    process_groups: [{ name: cpu, stages: [core], replicas: 2 }]")]
    [InlineData("    execution_ipc: { transport: tcp_local, bind_host: \"::1\", auth: { mode: hmac } }\n    process_groups: [{ name: cpu, stages: [p.core] }]")]
    public void Load_AllowedPlacement_IsValid(string platform)
    {
        var result = Load(platform);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Theory]
    [InlineData("    process_groups: [{ name: web, replicas: 1 }]", "replicas: the web group is the host process itself")]
    [InlineData("    process_groups: [{ name: cpu, stages: [core] }]", "process group 'cpu' runs stages (p.core) outside the host process, which needs execution_ipc.transport tcp_local or redis; transport is memory")]
    [InlineData("    execution_ipc: { transport: tcp_local, auth: { mode: none } }", "mode: tcp_local frames are always signed, so auth.mode must be hmac, got 'none'")]
    [InlineData("    execution_ipc: { auth: { mode: none, sign_in_process: true } }", "sign_in_process: signing needs auth.mode hmac, got 'none'")]
    [InlineData("    execution_ipc: { auth: { sign_in_process: sometimes } }", "sign_in_process: expected true or false, got 'sometimes'")]
    [InlineData("    execution_ipc: { transport: redis, auth: { mode: none } }", "mode: redis stream entries are always signed, so auth.mode must be hmac, got 'none'")]
    [InlineData("    execution_ipc: { transport: tcp_local, auth: { secret_file: /etc/portway/secret } }", "secret_file: only transport redis shares a secret between machines; with transport tcp_local")]
    [InlineData("    execution_ipc: { bind_host: my-machine }", "bind_host: expected an IP address (e.g. 127.0.0.1) or localhost, got 'my-machine'")]
    public void Load_DisallowedPlacement_IsOneClearProblem(string platform, string expected)
    {
        var result = Load(platform);

        Assert.Null(result.Config);
        Assert.StartsWith(expected, Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StageNamingAChildGroupUnderMemory_IsReportedAtTheGroup()
    {
        var result = PortwayConfigLoader.Load("""
            runtime:
              platform:
                process_groups:
                  - name: gpu
            pipelines:
              p:
                stages:
                  - { name: render, node: sys.echo, group: gpu }
            """, "test.yaml", ["sys.echo"]);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((4, 15), (problem.Line, problem.Column));
        Assert.Contains("'gpu' runs stages (p.render)", problem.Message, StringComparison.Ordinal);
    }
}
