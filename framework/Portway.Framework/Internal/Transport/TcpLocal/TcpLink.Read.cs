using System.Buffers;
using System.Net.Sockets;
using Portway.Internal.Observability;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    private const int ReceiveBufferSize = 16 * 1024;

    /// <summary>A read is given at least this much room when the buffer allows it (fewer, fuller reads).</summary>
    private const int MinReadSpace = 4 * 1024;

    private void ReceiveLoop()
    {
        // Bounded by construction: a frame is parsed or refused as soon as its prefix is in, so the buffer never
        // grows past one maximal frame.
        var buffer = new byte[ReceiveBufferSize];
        int start = 0, end = 0;
        Exception? reason = null;
        try
        {
            while (true)
            {
                var pending = new ReadOnlySequence<byte>(buffer, start, end - start);
                while (FrameCodec.TryRead(ref pending, _maxBodyLength, out var body))
                {
                    var envelope = _verifier.Verify(body, out var error, out var refused);
                    if (envelope is null)
                    {
                        Reject(error!, refused);
                        continue;
                    }

                    _consecutiveRejects = 0;
                    WaitFor(_onEnvelope!(this, envelope));
                    _authenticated = true;
                    if (Volatile.Read(ref _shutdown) != 0)
                    {
                        // The handler closed the link (a refused hello): the frames after it are not read.
                        return;
                    }
                }

                start = end - (int)pending.Length;
                MakeRoom(ref buffer, ref start, ref end);
                var read = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                if (read == 0)
                {
                    if (end > start)
                    {
                        throw new FrameFormatException($"the peer closed the connection inside a frame ({end - start} bytes left)");
                    }

                    break;
                }

                end += read;
            }
        }
        catch (FrameFormatException ex)
        {
            Interlocked.Increment(ref _rejected);
            Refusals?.FrameRejected(FrameRefusalReason.OfFraming(ex.Message));
            LogRejected(ex.Message);
            reason = ex;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or PeerMisbehavingException)
        {
            reason = Volatile.Read(ref _shutdown) != 0 ? null : ex;
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
            if (_authenticated || LogLimit is null || LogLimit.TryAcquire(out _))
            {
                TransportLog.PeerDisconnected(_logger, Name, reason?.Message ?? "closed");
            }

            Shutdown(reason ?? new IOException("the peer closed the connection"));
        }
    }

    /// <summary>
    /// Makes room after the unread bytes <c>[start, end)</c>: back to the front when all is read; moved down when
    /// less than <see cref="MinReadSpace"/> is left after them; a larger buffer when one frame fills it (never past
    /// one maximal frame, whose length was checked before its bytes were waited for).
    /// </summary>
    private void MakeRoom(ref byte[] buffer, ref int start, ref int end)
    {
        if (start == end)
        {
            start = end = 0;
            if (buffer.Length > ReceiveBufferSize)
            {
                buffer = new byte[ReceiveBufferSize];
            }

            return;
        }

        if (buffer.Length - end >= MinReadSpace)
        {
            return;
        }

        var unread = end - start;
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, unread);
            start = 0;
            end = unread;
        }

        if (end == buffer.Length)
        {
            var larger = new byte[(int)Math.Min(2L * buffer.Length, (long)_maxBodyLength + FrameCodec.PrefixLength)];
            Buffer.BlockCopy(buffer, 0, larger, 0, end);
            buffer = larger;
        }
    }

    /// <summary>Waits on the reading thread (a thread of its own, not the pool's) for a handler that went asynchronous.</summary>
    private static void WaitFor(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        pending.AsTask().GetAwaiter().GetResult();
    }

    private void LogRejected(string reason)
    {
        if (LogLimit is null)
        {
            TransportLog.FrameRejected(_logger, Name, reason);
        }
        else if (LogLimit.TryAcquire(out var dropped))
        {
            TransportLog.FrameRejected(_logger, Name, dropped == 0 ? reason : $"{reason} ({dropped} similar refusals not logged)");
        }
    }

    private void Reject(PortwayError error, Envelope? refused)
    {
        Interlocked.Increment(ref _rejected);
        Refusals?.FrameRejected(FrameRefusalReason.Of(error));
        LogRejected(error.Message);

        // Never answer a peer that has not proven the key: the answer would be signed bytes of the peer's choosing
        // (its route, ids, reply_to) that pass verification when sent back.
        if (_authenticated && refused is { Kind: EnvelopeKind.Request })
        {
            var answer = refused.CreateAnswer(EnvelopeKind.Error, error.ToPayload());
            if (refused.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop) && hop.Length <= 64)
            {
                answer.Headers[TcpLocalProtocol.HopHeader] = hop;
            }

            try
            {
                // Never waits on the reading thread: with the send queue full the answer is dropped (the refusal is
                // logged and counted, and the peer's waiter has its own deadline).
                _ = TrySend(answer);
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
