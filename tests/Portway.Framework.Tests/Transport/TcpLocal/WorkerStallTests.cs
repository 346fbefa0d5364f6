using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portway.Framework.Tests.Routing;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// The worker's side of the write stall deadline (issue 11, item 9), a real worker over a real socket: a host that
/// keeps sending hops but stops reading the answers is declared dead by the worker's own writes (its heartbeats do
/// not keep the link alive); the worker ends with <see cref="WorkerRuntime.ExitLinkLost"/>, as documented (the
/// host's supervisor then restarts it), logging why.
/// </summary>
public sealed class WorkerStallTests
{
    [Fact]
    public async Task HostThatStopsReading_TheWorkerDeclaresTheLinkDead_AndExitsLinkLost()
    {
        var config = TestConfig.Load(TcpLocalHarness.Yaml, "test.hang", "test.headers", "test.big");
        using var host = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        host.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        host.Listen(1);
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var bootstrap = new WorkerBootstrap("cpu", "cpu-1", "127.0.0.1", ((IPEndPoint)host.LocalEndPoint!).Port, Convert.ToBase64String(Frames.Key),
            TcpLocalHarness.Yaml, "test.yaml", "./data", Convert.ToBase64String(new byte[32]));
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddLogging();
        services.AddSingleton(new Probe());
        services.AddPortwayWorker(config, bootstrap)
            .AddNode<TcpLocalHarness.StartedHangNode>("test.hang").AddNode<TcpLocalHarness.HeadersNode>("test.headers").AddNode<TcpLocalHarness.BigNode>("test.big");
        await using var provider = services.BuildServiceProvider();
        using var stopping = new CancellationTokenSource();
        var worker = Task.Run(() => WorkerRuntime.RunAsync(provider, bootstrap, stopping.Token));
        try
        {
            // The host side: takes the connection and never reads a byte of it (admission, hello, heartbeats, answers).
            using var link = await host.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var signer = Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));
            var payload = "\"" + new string('p', 3900) + "\"";

            // ~12 MB of answers to write: far past both sockets' buffers, so the worker's writes stall.
            var sending = Task.Run(async () =>
            {
                try
                {
                    for (var i = 0; i < 3000; i++)
                    {
                        var hop = TcpLocalHarness.Hop("core", "sys.echo", payload);
                        hop.Headers[TcpLocalProtocol.HopHeader] = hop.Id;
                        await link.SendAsync(Frames.Encode(hop, signer), SocketFlags.None);
                    }
                }
                catch (SocketException)
                {
                    // The worker closed the link.
                }
            });

            var exit = await worker.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(WorkerRuntime.ExitLinkLost, exit);
            Assert.Contains(logs.Messages, m => m.Contains("the peer stopped reading", StringComparison.Ordinal));
            Assert.Contains(logs.Messages, m => m.Contains("the link to the host broke: the peer stopped reading", StringComparison.Ordinal));
            await sending.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await stopping.CancelAsync();
            await worker.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
