using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portway.Framework.Tests.Transport.TcpLocal;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Supervision;

public sealed class WorkerRuntimeTests
{
    private static WorkerBootstrap Bootstrap(string group = "cpu", int port = 1) =>
        new(group, group + "-1", "127.0.0.1", port, Convert.ToBase64String(Frames.Key), TcpLocalHarness.Yaml, "test.yaml", "./data", Convert.ToBase64String(new byte[WorkerAdmission.TokenLength]));

    [Fact]
    public async Task ReadBootstrap_TheLineTheSupervisorWrites_RoundTrips()
    {
        var sent = Bootstrap();

        var got = await WorkerRuntime.ReadBootstrapAsync(new StringReader(JsonSerializer.Serialize(sent) + "\n"), CancellationToken.None);

        Assert.Equal(sent, got);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json\n")]
    [InlineData("[1,2]\n")]
    [InlineData("{}\n")]
    [InlineData("{\"group\":\"cpu\",\"worker\":\"cpu-1\",\"host\":\"127.0.0.1\",\"port\":1,\"secret\":\"c2hvcnQ=\",\"config\":\"x\",\"source\":\"s\",\"data_dir\":\".\"}\n")]
    public async Task ReadBootstrap_NoOrBadLine_IsNull(string stdin)
    {
        Assert.Null(await WorkerRuntime.ReadBootstrapAsync(new StringReader(stdin), CancellationToken.None));
    }

    [Fact]
    public void ToString_HidesTheSecret()
    {
        var bootstrap = Bootstrap();

        Assert.DoesNotContain(bootstrap.SecretBase64, bootstrap.ToString(), StringComparison.Ordinal);
        Assert.Contains("secret=***", bootstrap.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GroupWithoutStages_ExitsNotReady()
    {
        await using var services = Services(Bootstrap("web"), withTestNodes: true);

        Assert.Equal(WorkerRuntime.ExitNotReady, await WorkerRuntime.RunAsync(services, Bootstrap("web"), CancellationToken.None));
    }

    [Fact]
    public async Task Run_StageWhoseNodeIsMissingHere_ExitsNotReadyNamingIt()
    {
        var logs = new RecordingLoggerProvider();
        await using var services = Services(Bootstrap(), withTestNodes: false, logs);

        Assert.Equal(WorkerRuntime.ExitNotReady, await WorkerRuntime.RunAsync(services, Bootstrap(), CancellationToken.None));
        Assert.Contains(logs.Messages, m => m.Contains("no node here for p.hang (node test.hang), p.headers (node test.headers), p.big (node test.big)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_HostNotListening_ExitsNotReady()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var services = Services(Bootstrap(port: closedPort), withTestNodes: true);

        Assert.Equal(WorkerRuntime.ExitNotReady, await WorkerRuntime.RunAsync(services, Bootstrap(port: closedPort), CancellationToken.None));
    }

    private static ServiceProvider Services(WorkerBootstrap bootstrap, bool withTestNodes, RecordingLoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => { if (logs is not null) b.AddProvider(logs); });
        services.AddSingleton(new Portway.Framework.Tests.Routing.Probe());
        var builder = services.AddPortwayWorker(TestConfig.Load(TcpLocalHarness.Yaml, "test.hang", "test.headers", "test.big"), bootstrap);
        if (withTestNodes)
        {
            builder.AddNode<TcpLocalHarness.StartedHangNode>("test.hang").AddNode<TcpLocalHarness.HeadersNode>("test.headers").AddNode<TcpLocalHarness.BigNode>("test.big");
        }

        return services.BuildServiceProvider();
    }
}
