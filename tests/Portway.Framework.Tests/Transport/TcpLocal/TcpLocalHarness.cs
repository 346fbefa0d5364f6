using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Framework.Tests.Routing;
using Portway.Internal.Observability;
using Portway.Internal.Routing;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// The host's real tcp_local listener on 127.0.0.1 (ephemeral port) with a known secret, and one real worker
/// client (in this process, over a real socket) serving group <c>cpu</c>: stages <c>p.core</c> and <c>p.hang</c>.
/// </summary>
internal sealed class TcpLocalHarness : IAsyncDisposable
{
    public const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local, max_payload_bytes: 4096 }
            process_groups:
              - { name: cpu, stages: [core, hang, headers, big] }
        pipelines:
          p:
            stages:
              - { name: core, node: sys.echo }
              - { name: hang, node: test.hang }
              - { name: headers, node: test.headers }
              - { name: big, node: test.big }
              - { name: tail, node: sys.echo, after: [core, hang, headers, big] }
        """;

    private readonly CancellationTokenSource _workerStopping = new();
    private ServiceProvider? _worker;

    private TcpLocalHarness(TimeSpan helloTimeout, TimeSpan heartbeatTimeout, int maxPendingHellos, TimeSpan writeStallTimeout)
    {
        Config = TestConfig.Load(Yaml, "test.hang", "test.headers", "test.big");
        Loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Telemetry = new PortwayTelemetry(Loggers.CreateLogger<PortwayTelemetry>(), []);
        Listener = new TcpLocalListener(Config, new IpcSecret(Frames.Key), Pool, TimeProvider.System, Loggers, Telemetry, Refusals)
        {
            HelloTimeout = helloTimeout,
            HeartbeatTimeout = heartbeatTimeout,
            MaxPendingHellos = maxPendingHellos,
            WriteStallTimeout = writeStallTimeout,
        };
        Transport = new TcpStageTransport("cpu", Pool);
    }

    public PortwayConfig Config { get; }

    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>The listener's refusal counts (by reason) and its meter (<c>portway.tcp_local.*</c>).</summary>
    public IpcRefusals Refusals { get; } = new();

    public PortwayTelemetry Telemetry { get; }

    public ILoggerFactory Loggers { get; }

    public WorkerPool Pool { get; } = new();

    public TcpLocalListener Listener { get; }

    public TcpStageTransport Transport { get; }

    public Probe Probe { get; } = new();

    public Task<int> Worker { get; private set; } = Task.FromResult(0);

    public System.Net.IPEndPoint EndPoint => Listener.EndPoint!;

    public static async Task<TcpLocalHarness> StartAsync(bool withWorker = true, TimeSpan? helloTimeout = null, TimeSpan? heartbeatTimeout = null, int maxPendingHellos = 32, TimeSpan? writeStallTimeout = null)
    {
        var harness = new TcpLocalHarness(helloTimeout ?? TimeSpan.FromSeconds(10), heartbeatTimeout ?? TimeSpan.FromSeconds(10), maxPendingHellos, writeStallTimeout ?? TimeSpan.FromSeconds(5));
        await harness.Listener.StartAsync(CancellationToken.None);
        if (withWorker)
        {
            harness.StartWorker();
            await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, TimeSpan.FromSeconds(20), "the worker is ready");
        }

        return harness;
    }

    private void StartWorker()
    {
        var bootstrap = new WorkerBootstrap("cpu", "cpu-1", "127.0.0.1", EndPoint.Port, Convert.ToBase64String(Frames.Key), Yaml, "test.yaml", "./data",
            Convert.ToBase64String(Listener.Admission.Issue()));
        var services = new ServiceCollection();
        services.AddSingleton(Loggers);
        services.AddLogging();
        services.AddSingleton(Probe);
        services.AddPortwayWorker(Config, bootstrap).AddNode<StartedHangNode>("test.hang").AddNode<HeadersNode>("test.headers").AddNode<BigNode>("test.big");
        _worker = services.BuildServiceProvider();
        Worker = Task.Run(() => WorkerRuntime.RunAsync(_worker, bootstrap, _workerStopping.Token));
    }

    /// <summary>A raw peer admitted as an expected child would be: connected, its admission token sent.</summary>
    public async Task<RawPeer> AdmittedPeerAsync(int? receiveBufferSize = null)
    {
        var peer = await RawPeer.ConnectAsync(EndPoint, receiveBufferSize);
        await peer.SendAsync(Listener.Admission.Issue());
        return peer;
    }

    /// <summary>Stops the worker as if its stdin closed.</summary>
    public Task StopWorkerAsync() => _workerStopping.CancelAsync();

    /// <summary>A stage hop as the router builds it.</summary>
    public static Envelope Hop(string stage, string node, string payload = "{\"x\":1}") => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Request,
        Route = "p/" + stage,
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        RequestId = EnvelopeIds.NewId(),
        ReplyTo = "i1/1",
        Payload = Encoding.UTF8.GetBytes(payload),
        Headers =
        {
            [StageExecutor.PipelineHeader] = "p",
            [StageExecutor.StageHeader] = stage,
            [StageExecutor.NodeHeader] = node,
            [PipelineRouter.TraceParentHeader] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
    };

    /// <summary>Sends an echo hop through the worker and returns the answer's payload (throws unless it is a reply).</summary>
    public async Task<string> EchoAsync(string payload = "{\"x\":1}")
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var answer = await Transport.SendAsync(Hop("core", "sys.echo", payload), deadline.Token);
        var text = Encoding.UTF8.GetString(answer.Payload.Span);
        return answer.Kind == EnvelopeKind.Reply ? text : throw new InvalidOperationException("the hop failed: " + text);
    }

    public async ValueTask DisposeAsync()
    {
        await _workerStopping.CancelAsync();
        await Listener.DisposeAsync();
        await Worker.WaitAsync(TimeSpan.FromSeconds(20));
        if (_worker is not null) await _worker.DisposeAsync();
        _workerStopping.Dispose();
        Telemetry.Dispose();
        Loggers.Dispose();
    }

    /// <summary>
    /// <c>test.hang</c> here: counts its start in <see cref="Probe.Started"/>, then waits until cancelled and reports it;
    /// with <c>{"block":true}</c> it holds its thread while it waits, as a CPU-heavy node does.
    /// </summary>
    internal sealed class StartedHangNode(Probe probe) : INode
    {
        public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref probe.Started);
            if (context.Input.Span.IndexOf("\"block\":true"u8) >= 0)
            {
                cancellationToken.WaitHandle.WaitOne();
                probe.Cancelled.TrySetResult();
                cancellationToken.ThrowIfCancellationRequested();
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                probe.Cancelled.TrySetResult();
                throw;
            }

            return NodeResult.Success("{}"u8.ToArray());
        }
    }

    /// <summary><c>test.big</c>: answers a JSON string of <c>{"n":N}</c> characters (over max_payload_bytes for N &gt; 4094).</summary>
    internal sealed class BigNode : INode
    {
        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
        {
            using var input = System.Text.Json.JsonDocument.Parse(context.Input);
            var n = input.RootElement.GetProperty("n").GetInt32();
            return ValueTask.FromResult(NodeResult.Success(Encoding.UTF8.GetBytes("\"" + new string('a', n) + "\"")));
        }
    }

    /// <summary><c>test.headers</c>: answers the trace context and the caller's identity a node sees (it sees no transport header).</summary>
    internal sealed class HeadersNode : INode
    {
        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(NodeResult.Success(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new Dictionary<string, string>
                {
                    ["traceparent"] = context.TraceParent,
                    ["subject"] = context.Identity.Subject,
                    ["identity_tenant"] = context.Identity.Tenant,
                    ["scopes"] = string.Join(' ', context.Identity.Scopes),
                })));
    }
}
