using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    private async Task ReceiveLoopAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Exception? reason = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (FrameCodec.TryRead(ref buffer, _maxBodyLength, out var body))
                    {
                        var envelope = _verifier.Verify(body, out var error, out var parsed);
                        if (envelope is null)
                        {
                            await RejectAsync(error!, parsed).ConfigureAwait(false);
                            continue;
                        }

                        _consecutiveRejects = 0;
                        await _onEnvelope!(this, envelope).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // Everything parsed is consumed; the partial frame left is examined, so the next read waits for more bytes.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (FrameFormatException ex)
        {
            Interlocked.Increment(ref _rejected);
            TransportLog.FrameRejected(_logger, Name, ex.Message);
            reason = ex;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            reason = ex;
        }
        catch (PeerMisbehavingException ex)
        {
            reason = ex;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            TransportLog.PeerDisconnected(_logger, Name, reason?.Message ?? "closed");
            Shutdown(reason ?? new IOException("the peer closed the connection"));
        }
    }

    private async ValueTask RejectAsync(PortwayError error, Envelope? parsed)
    {
        Interlocked.Increment(ref _rejected);
        TransportLog.FrameRejected(_logger, Name, error.Message);
        if (parsed is { Kind: EnvelopeKind.Request })
        {
            var answer = parsed.CreateAnswer(EnvelopeKind.Error, error.ToPayload());
            if (parsed.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop))
            {
                answer.Headers[TcpLocalProtocol.HopHeader] = hop;
            }

            await SendAsync(answer).ConfigureAwait(false);
        }

        if (++_consecutiveRejects >= MaxConsecutiveRejects)
        {
            throw new PeerMisbehavingException($"{_consecutiveRejects} refused frames in a row");
        }
    }
}
