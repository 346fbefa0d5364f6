using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Nodes;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>A generic host running the runtime with only the NDJSON TCP ingress, and a client on a real socket.</summary>
internal sealed class NdjsonTcpHost : IAsyncDisposable
{
    public const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 5000
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          delay: { stages: [ { name: wait, node: sys.delay } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private NdjsonTcpHost(IHost host, IPEndPoint endpoint)
    {
        Host = host;
        Endpoint = endpoint;
    }

    public IHost Host { get; }

    public IPEndPoint Endpoint { get; }

    public IPortwayStatus Status => Host.Services.GetRequiredService<IPortwayStatus>();

    public static async Task<NdjsonTcpHost> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var loaded = PortwayConfigLoader.Load(Yaml, "ndjson.yaml",
            NodeDiscovery.BuiltIn.Select(n => n.Name).ToArray(),
            NodeDiscovery.BuiltIn.Where(n => typeof(IStreamNode).IsAssignableFrom(n.NodeType)).Select(n => n.Name).ToArray());
        var config = loaded.Config ?? throw new InvalidOperationException(string.Join("\n", loaded.Problems));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPortway(config).AddNdjsonTcpIngress();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var endpoint = await host.Services.GetRequiredService<NdjsonTcpIngress>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return new NdjsonTcpHost(host, endpoint);
    }

    public async Task<Client> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Endpoint);
        return new Client(socket);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }

    /// <summary>A client: writes lines, reads answer lines with a deadline.</summary>
    internal sealed class Client(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly StreamReader _reader = new(new NetworkStream(socket, ownsSocket: false), Encoding.UTF8);

        public Task SendAsync(string line) => _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask();

        public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

        /// <summary>The next answer line, parsed; null when the server closed the connection.</summary>
        public async Task<JsonElement?> ReadAsync()
        {
            var line = await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
        }

        public async Task<JsonElement> ReadAnswerAsync() => await ReadAsync() ?? throw new InvalidOperationException("the server closed the connection");

        public void Dispose()
        {
            _reader.Dispose();
            _stream.Dispose();
        }
    }
}
