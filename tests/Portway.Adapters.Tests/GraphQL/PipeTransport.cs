using System.Buffers;
using System.IO.Pipelines;

namespace Portway.Adapters.Tests.GraphQL;

/// <summary>
/// One end of an in-memory byte transport for a real WebSocket (<c>WebSocket.CreateFromStream</c>): reads from one pipe,
/// writes to another. Unlike loopback TCP there are no kernel buffers: once the peer stops reading, this end's writes
/// block after <c>pauseWriterThreshold</c> bytes, so "the client does not read" is exact. <see cref="ReadPending"/>
/// and <see cref="WritePending"/> say whether a read or a write is waiting on this end right now.
/// </summary>
internal sealed class PipeTransport(PipeReader input, PipeWriter output) : Stream
{
    private int _readPending;
    private int _writePending;

    public bool ReadPending => Volatile.Read(ref _readPending) != 0;

    /// <summary>A write waits on this end right now: the peer does not read and the buffer is full.</summary>
    public bool WritePending => Volatile.Read(ref _writePending) != 0;

    /// <summary>Two connected ends: what one writes the other reads; writes pause after <paramref name="bufferBytes"/> unread bytes.</summary>
    public static (PipeTransport Server, PipeTransport Client) Pair(int bufferBytes)
    {
        var options = new PipeOptions(pauseWriterThreshold: bufferBytes, resumeWriterThreshold: bufferBytes / 2, useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        return (new PipeTransport(toServer.Reader, toClient.Writer), new PipeTransport(toClient.Reader, toServer.Writer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _readPending, 1);
        try
        {
            var result = await input.ReadAsync(cancellationToken);
            var take = (int)Math.Min(result.Buffer.Length, buffer.Length);
            var slice = result.Buffer.Slice(0, take);
            slice.CopyTo(buffer.Span);
            input.AdvanceTo(slice.End);
            return take;
        }
        finally
        {
            Volatile.Write(ref _readPending, 0);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = output.WriteAsync(buffer, cancellationToken);
        if (write.IsCompleted)
        {
            await write;
            return;
        }

        Volatile.Write(ref _writePending, 1);
        try
        {
            await write;
        }
        finally
        {
            Volatile.Write(ref _writePending, 0);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Complete();
            output.Complete();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
