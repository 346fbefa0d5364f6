using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>Shared pieces of the frame tests: a fixed key and clock, sample envelopes, and a raw frame builder.</summary>
internal static class Frames
{
    public const int MaxPayload = 4096;

    public static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");

    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public static EnvelopeSigner Signer(TimeProvider? time = null, byte[]? key = null) =>
        new(key ?? Key, time ?? new FakeTimeProvider(Now), TimeSpan.FromSeconds(30), 1000);

    public static Envelope Sample(EnvelopeKind kind = EnvelopeKind.Reply, int payloadBytes = 7) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = kind,
        Route = "p/core",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        RequestId = "r1",
        ReplyTo = "i1/1",
        Headers = { ["hop"] = "h1" },
        Payload = payloadBytes == 7 ? Encoding.UTF8.GetBytes("{\"x\":1}") : new byte[payloadBytes],
    };

    /// <summary>A complete signed frame (prefix included) for <paramref name="envelope"/>, stamped by <paramref name="signer"/>.</summary>
    public static byte[] Encode(Envelope envelope, EnvelopeSigner signer, bool stamp = true)
    {
        if (stamp) signer.Stamp(envelope);
        var (buffer, length) = FrameCodec.Encode(envelope, signer, MaxPayload);
        try
        {
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A frame whose canonical bytes are given as is, signed with <paramref name="key"/>.</summary>
    public static byte[] FromCanonical(ReadOnlySpan<byte> canonical, byte[]? key = null)
    {
        var frame = new byte[FrameCodec.PrefixLength + canonical.Length + EnvelopeCodec.SignatureLength];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(canonical.Length + EnvelopeCodec.SignatureLength));
        canonical.CopyTo(frame.AsSpan(FrameCodec.PrefixLength));
        System.Security.Cryptography.HMACSHA256.HashData(key ?? Key, canonical, frame.AsSpan(FrameCodec.PrefixLength + canonical.Length));
        return frame;
    }

    /// <summary>The canonical bytes of a stamped envelope.</summary>
    public static byte[] Canonical(Envelope envelope)
    {
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);
        return bytes;
    }

    /// <summary><paramref name="bytes"/> as a sequence of two segments split at <paramref name="split"/> (or one segment).</summary>
    public static ReadOnlySequence<byte> Sequence(byte[] bytes, int split)
    {
        if (split <= 0 || split >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, split), 0);
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
