using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> of a host with a real worker child (the host executable), parsed by the independent Prometheus
/// parser: the restart counter follows a worker killed with SIGKILL, and refused tcp_local frames carry their reason.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class WorkerMetricsTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [quick.echo] }
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/quick", pipeline: quick }
        pipelines:
          quick: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private readonly List<int> _pids = [];

    public void Dispose()
    {
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
    }

    private static Task<PortwayTestServer> StartAsync() =>
        PortwayTestServer.StartAsync(Yaml, s => s.AddSingleton(new WorkerExecutable(Path.Combine(AppContext.BaseDirectory, "Portway.Host"), [])));

    private static async Task<IReadOnlyList<PrometheusText.Sample>> ScrapeAsync(HttpClient client)
    {
        using var scrape = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        return await PrometheusText.ParseAsync(await scrape.Content.ReadAsStringAsync());
    }

    private static double? Value(IReadOnlyList<PrometheusText.Sample> samples, string name, string label, string value) =>
        samples.SingleOrDefault(s => s.Name == name && s.Labels.GetValueOrDefault(label) == value)?.Value;

    private static async Task<int> ReadyPidAsync(PortwayTestServer server, int? not = null)
    {
        var supervisor = server.Services.GetRequiredService<WorkerSupervisor>();
        await WorkerProcesses.UntilAsync(async () =>
        {
            using var ready = await server.Client.GetAsync("/ready");
            return ready.StatusCode == HttpStatusCode.OK && supervisor.Pids.TryGetValue("cpu-1", out var pid) && pid != not;
        }, "the cpu worker is ready" + (not is null ? "" : " again, with a new pid"));
        return supervisor.Pids["cpu-1"];
    }

    [Fact]
    public async Task WorkerKilled_RestartCounterInTheScrapeGoesUp()
    {
        await using var server = await StartAsync();
        var first = await ReadyPidAsync(server);
        _pids.Add(first);
        Assert.Equal(0, Value(await ScrapeAsync(server.Client), "portway_worker_restarts_total", "group", "cpu"));

        WorkerProcesses.Kill(first);
        var second = await ReadyPidAsync(server, not: first);
        _pids.Add(second);

        IReadOnlyList<PrometheusText.Sample> samples = [];
        await WorkerProcesses.UntilAsync(async () => Value(samples = await ScrapeAsync(server.Client), "portway_worker_restarts_total", "group", "cpu") == 1,
            "the scrape counts one restart of group cpu");
        Assert.Equal("counter", samples.First(s => s.Name == "portway_worker_restarts_total").Type);
        using var quick = await server.Client.PostAsync("/v1/quick", new StringContent("{\"after\":\"restart\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
    }

    [Fact]
    public async Task RefusedFrames_AreScrapedByReason_AndConnectionsWithoutATokenAsRefused()
    {
        await using var server = await StartAsync();
        _pids.Add(await ReadyPidAsync(server));
        var listener = server.Services.GetRequiredService<TcpLocalListener>();

        // An admitted connection (as an expected child) sends a heartbeat signed with the wrong key, then a length prefix over the limit.
        using (var peer = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await peer.ConnectAsync(listener.EndPoint!);
            await peer.SendAsync(listener.Admission.Issue());
            await peer.SendAsync(ForgedHeartbeat());
            await peer.SendAsync(new byte[] { 0x7f, 0xff, 0xff, 0xf0, 0, 0, 0, 0 });
            await ClosedAsync(peer);
        }

        // A stranger without an admission token is refused as a connection, not counted as a frame.
        using (var stranger = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await stranger.ConnectAsync(listener.EndPoint!);
            await stranger.SendAsync(new byte[64]);
            await ClosedAsync(stranger);
        }

        IReadOnlyList<PrometheusText.Sample> samples = [];
        await WorkerProcesses.UntilAsync(async () =>
        {
            samples = await ScrapeAsync(server.Client);
            return Value(samples, "portway_tcp_local_frames_rejected_total", "reason", "frame_too_large") == 1;
        }, "the oversize frame is scraped under its reason");
        Assert.Equal(1, Value(samples, "portway_tcp_local_frames_rejected_total", "reason", "bad_signature"));
        Assert.All(samples.Where(s => s.Name == "portway_tcp_local_frames_rejected_total" && s.Labels["reason"] is not ("bad_signature" or "frame_too_large")),
            s => Assert.Equal(0, s.Value));
        Assert.True(samples.Single(s => s.Name == "portway_tcp_local_connections_refused_total").Value >= 1);
        using var quick = await server.Client.PostAsync("/v1/quick", new StringContent("{\"still\":\"here\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
    }

    private static byte[] ForgedHeartbeat()
    {
        var signer = new EnvelopeSigner("not the key, but 32 bytes long.."u8, TimeProvider.System, TimeSpan.FromSeconds(30), 16);
        var heartbeat = new Envelope { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = TcpLocalProtocol.Heartbeat };
        signer.Stamp(heartbeat);
        var (buffer, length) = FrameCodec.Encode(heartbeat, signer, 4096);
        try
        {
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Waits (with a deadline) for the host to close the connection.</summary>
    private static async Task ClosedAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(WorkerProcesses.Deadline);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }
}
