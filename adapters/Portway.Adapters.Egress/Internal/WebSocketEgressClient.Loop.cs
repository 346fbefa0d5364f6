using System.Net.WebSockets;
using Polly;
using Polly.Retry;

namespace Portway.Adapters.Egress.Internal;

internal sealed partial class WebSocketEgressClient
{
    private async Task RunAsync(CancellationToken stop)
    {
        var connect = BuildConnectPipeline();
        while (!stop.IsCancellationRequested)
        {
            ClientWebSocket socket;
            try
            {
                socket = await connect.ExecuteAsync(ConnectOnceAsync, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connects);
            _connected = true;
            EgressLog.WebSocketConnected(_logger, Name, _config.Url);
            var reason = await ServeAsync(socket, stop).ConfigureAwait(false);
            _connected = false;
            socket.Dispose();
            if (!stop.IsCancellationRequested)
            {
                EgressLog.WebSocketLost(_logger, Name, reason);
            }
        }
    }

    /// <summary>Connection attempts until one succeeds: exponential backoff with jitter, on the injected clock.</summary>
    private ResiliencePipeline<ClientWebSocket> BuildConnectPipeline() =>
        new ResiliencePipelineBuilder<ClientWebSocket> { Name = "portway-egress-ws-" + Name, TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<ClientWebSocket>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _config.Reconnect.Jitter,
                Delay = TimeSpan.FromMilliseconds(_config.Reconnect.BaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(_config.Reconnect.MaxDelayMs),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _connectFailures);
                    EgressLog.WebSocketConnectFailed(_logger, Name, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "", args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();

    private async ValueTask<ClientWebSocket> ConnectOnceAsync(CancellationToken stop)
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in _headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_config.ConnectTimeoutMs), _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            await socket.ConnectAsync(new Uri(_config.Url), attempt.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no handshake within connect_timeout_ms {_config.ConnectTimeoutMs}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends and receives on one connection until either side ends; answers why it ended.</summary>
    private async Task<string> ServeAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var receive = ReceiveAsync(socket, connection.Token);
        var send = SendAsync(socket, connection.Token);
        var first = await Task.WhenAny(receive, send).ConfigureAwait(false);
        await connection.CancelAsync().ConfigureAwait(false);
        var reasons = await Task.WhenAll(receive, send).ConfigureAwait(false);
        return first == receive ? reasons[0] : reasons[1];
    }

    private async Task<string> SendAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (_unsent is null)
                {
                    if (!await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return "stopped";
                    }

                    if (!_queue.Reader.TryRead(out _unsent))
                    {
                        continue;
                    }
                }

                if (socket.State != WebSocketState.Open)
                {
                    return "the peer is closing"; // the message waits for the next connection
                }

                await socket.SendAsync(_unsent, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                _unsent = null;
                Interlocked.Decrement(ref _queued);
                Interlocked.Increment(ref _sent);
            }
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
        catch (WebSocketException ex)
        {
            return ex.Message; // _unsent stays: it goes first on the next connection
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    try
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", bye.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                    {
                        // The peer is gone already.
                    }

                    return $"closed by the peer ({socket.CloseStatus})";
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
        catch (WebSocketException ex)
        {
            return ex.Message;
        }
    }
}
