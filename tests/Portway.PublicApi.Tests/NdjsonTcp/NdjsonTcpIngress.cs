using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portway.Observability;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>
/// A third-party ingress adapter on the public port only: a TCP listener where each line is one JSON request
/// <c>{"id", "pipeline", "input", "timeout_ms"?}</c>, answered on the same connection, in any order, by id:
/// <c>{"id","output"}</c> or <c>{"id","error":{"code","message","request_id"}}</c>; a stream pipeline answers
/// <c>{"id","item"}</c>* then <c>{"id","end":true}</c> or the error. Many requests may be in flight per connection.
/// </summary>
public sealed class NdjsonTcpIngress(
    IPortwayInvoker invoker,
    IPortwayStatus status,
    IBoundaryEventPublisher events,
    IOptions<NdjsonTcpOptions> options) : BackgroundService
{
    public const string InterfaceName = "ndjson-tcp";

    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where it listens, once started.</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    internal IPortwayInvoker Invoker => invoker;

    internal IPortwayStatus Status => status;

    internal IBoundaryEventPublisher Events => events;

    internal NdjsonTcpOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new TcpListener(options.Value.Endpoint);
        listener.Start();
        _listening.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        var connections = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(stoppingToken).ConfigureAwait(false);
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(new NdjsonTcpConnection(this, socket).RunAsync(stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    /// <summary>
    /// Stopping waits for the runtime's drain first (new requests are refused meanwhile, those in flight finish),
    /// then closes the connections.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (status.Drained.Register(() => drained.TrySetResult()))
        using (cancellationToken.Register(() => drained.TrySetResult()))
        {
            if (status.IsDraining)
            {
                await drained.Task.ConfigureAwait(false);
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
