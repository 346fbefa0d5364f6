using System.IO.Pipelines;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    private async Task ReceiveLoopAsync()
    {
        // Bounded by construction: a frame is parsed or refused as soon as its prefix is in, so the pipe
        // never holds more than one maximal frame plus one read.
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
                        var envelope = _verifier.Verify(body, out var error, out var refused);
                        if (envelope is null)
                        {
                            await RejectAsync(error!, refused).ConfigureAwait(false);
                            continue;
                        }

                        _consecutiveRejects = 0;
                        await _onEnvelope!(this, envelope).ConfigureAwait(false);
                        if (Volatile.Read(ref _shutdown) != 0)
                        {
                            // The handler closed the link (a refused hello): the frames after it are not read.
                            return;
                        }
                    }

                    if (result.IsCompleted && !buffer.IsEmpty)
                    {
                        throw new FrameFormatException($"the peer closed the connection inside a frame ({buffer.Length} bytes left)");
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
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or PeerMisbehavingException)
        {
            reason = ex;
        }
#pragma warning disable CA1031 // A bug in a handler closes this link (logged); it never takes the process down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.LinkFailed(_logger, Name, ex);
            reason = ex;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            TransportLog.PeerDisconnected(_logger, Name, reason?.Message ?? "closed");
            Shutdown(reason ?? new IOException("the peer closed the connection"));
        }
    }

    private async ValueTask RejectAsync(PortwayError error, Envelope? refused)
    {
        Interlocked.Increment(ref _rejected);
        TransportLog.FrameRejected(_logger, Name, error.Message);
        if (refused is { Kind: EnvelopeKind.Request })
        {
            var answer = refused.CreateAnswer(EnvelopeKind.Error, error.ToPayload());
            if (refused.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop) && hop.Length <= 64)
            {
                answer.Headers[TcpLocalProtocol.HopHeader] = hop;
            }

            try
            {
                await SendAsync(answer).ConfigureAwait(false);
            }
            catch (EnvelopeFormatException)
            {
                // The refused envelope's fields are too large to echo back; the refusal is logged and counted.
            }
        }

        if (++_consecutiveRejects >= MaxConsecutiveRejects)
        {
            throw new PeerMisbehavingException($"{_consecutiveRejects} refused frames in a row");
        }
    }
}
