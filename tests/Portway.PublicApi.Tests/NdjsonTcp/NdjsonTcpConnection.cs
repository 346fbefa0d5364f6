using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using Portway.Observability;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>One accepted connection of <see cref="NdjsonTcpIngress"/>: a read loop, one write lock, a task per request.</summary>
internal sealed class NdjsonTcpConnection(NdjsonTcpIngress ingress, Socket socket)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private NetworkStream? _stream;
    private int _inFlight;

    public async Task RunAsync(CancellationToken stopping)
    {
        var registration = stopping.Register(() => _closed.Cancel());
        await using var stream = _stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream);
        var requests = new List<Task>();
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (line.Length > ingress.Options.MaxLineBytes)
                    {
                        await RejectAsync(null, new PortwayError(ErrorCode.PayloadTooLarge, $"a line is over {ingress.Options.MaxLineBytes} bytes")).ConfigureAwait(false);
                        return;
                    }

                    if (!line.IsEmpty)
                    {
                        requests.RemoveAll(t => t.IsCompleted);
                        requests.Add(HandleAsync(line.ToArray()));
                    }
                }

                if (buffer.Length > ingress.Options.MaxLineBytes)
                {
                    await RejectAsync(null, new PortwayError(ErrorCode.PayloadTooLarge, $"a line is over {ingress.Options.MaxLineBytes} bytes")).ConfigureAwait(false);
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
        finally
        {
            // The client went away (or the host stops): every request of the connection is cancelled, then awaited.
            await _closed.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(requests).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            // Unregistered (waiting for a callback running now) before the source goes: a host stopping at this moment
            // would otherwise cancel a disposed source and fail its own stop.
            await registration.DisposeAsync().ConfigureAwait(false);
            _closed.Dispose();
        }
    }

    /// <summary>Requests of this connection in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private async Task HandleAsync(byte[] line)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await RunRequestAsync(line).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection went away while answering: nobody to tell.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RunRequestAsync(byte[] line)
    {
        if (!NdjsonRequest.TryParse(line, out var parsed, out var problem))
        {
            await RejectAsync(parsed.Id, new PortwayError(ErrorCode.ValidationFailed, problem)).ConfigureAwait(false);
            return;
        }

        if (ingress.Status.IsDraining)
        {
            await RejectAsync(parsed.Id, new PortwayError(ErrorCode.Unavailable, "the server is draining")).ConfigureAwait(false);
            return;
        }

        var kind = ingress.Invoker.GetPipelineKind(parsed.Pipeline);
        if (kind == PipelineKind.NotFound)
        {
            await RejectAsync(parsed.Id, new PortwayError(ErrorCode.NotFound, $"no pipeline '{parsed.Pipeline}'")).ConfigureAwait(false);
            return;
        }

        var request = new PortwayRequest
        {
            Pipeline = parsed.Pipeline,
            Input = parsed.Input,
            Timeout = parsed.Timeout ?? ingress.Options.DefaultTimeout,
            Correlation = PortwayCorrelation.New(),
            Interface = NdjsonTcpIngress.InterfaceName,
        };
        Emit(BoundaryEventKind.IngressAccepted, request.Correlation, parsed.Pipeline);
        if (kind == PipelineKind.Stream)
        {
            await StreamAsync(parsed.Id, request).ConfigureAwait(false);
            return;
        }

        var result = await ingress.Invoker.InvokeAsync(request, _closed.Token).ConfigureAwait(false);
        await FinishAsync(parsed.Id, request, result, w => w.WriteRaw("output", result.Output)).ConfigureAwait(false);
    }

    private async Task StreamAsync(string? id, PortwayRequest request)
    {
        var stream = ingress.Invoker.OpenStream(request, _closed.Token);
        while (await stream.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (stream.TryRead(out var item))
            {
                await WriteAsync(NdjsonAnswer.Write(id, w => w.WriteRaw("item", item))).ConfigureAwait(false);
            }
        }

        await FinishAsync(id, request, stream.Result, w => w.Writer.WriteBoolean("end", true)).ConfigureAwait(false);
    }

    private async Task FinishAsync(string? id, PortwayRequest request, PortwayResult result, Action<NdjsonAnswer> success)
    {
        if (result.CallerCancelled)
        {
            Emit(BoundaryEventKind.EgressFailed, request.Correlation, request.Pipeline, "cancelled");
            return;
        }

        if (result.Error is { } error)
        {
            Emit(BoundaryEventKind.EgressFailed, request.Correlation, request.Pipeline, error.Code);
            await WriteAsync(NdjsonAnswer.Error(id, error, request.Correlation.RequestId)).ConfigureAwait(false);
            return;
        }

        Emit(BoundaryEventKind.EgressDelivered, request.Correlation, request.Pipeline);
        await WriteAsync(NdjsonAnswer.Write(id, success)).ConfigureAwait(false);
    }

    private async Task RejectAsync(string? id, PortwayError error)
    {
        var correlation = PortwayCorrelation.New();
        Emit(BoundaryEventKind.IngressRejected, correlation, "", error.Code);
        await WriteAsync(NdjsonAnswer.Error(id, error, correlation.RequestId)).ConfigureAwait(false);
    }

    private async Task WriteAsync(byte[] line)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream!.WriteAsync(line).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Emit(BoundaryEventKind kind, PortwayCorrelation correlation, string route, string? code = null) =>
        ingress.Events.Emit(new BoundaryEvent(kind, correlation.TraceId, correlation.RequestId, NdjsonTcpIngress.InterfaceName, route, Code: code));
}
