using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Portway.Adapters.Http.Internal;

/// <summary>
/// HTTP/2 with prior knowledge (h2c) next to HTTP/1.1 on one cleartext listener. Kestrel picks HTTP/1.1 for a
/// cleartext connection whenever HTTP/1.1 is enabled (without ALPN it cannot tell); this connection middleware
/// peeks at the first bytes without consuming them and, when they are the HTTP/2 client preface, tells Kestrel
/// "h2" the way ALPN would, so the connection is served by Kestrel's own HTTP/2 stack. The peek runs before
/// Kestrel's own timeouts start, so it has its own: a connection that has not sent enough to decide within
/// Kestrel's request-headers timeout (nothing, or the first bytes of the preface) is closed.
/// </summary>
internal static class H2cPriorKnowledge
{
    /// <summary>The HTTP/2 client connection preface (RFC 9113 §3.4).</summary>
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <param name="next">The rest of the connection pipeline (Kestrel's HTTP handling).</param>
    /// <param name="timeout">How long the peek may wait for bytes: the request-headers timeout, read per connection.</param>
    /// <param name="time">The clock of that timeout.</param>
    public static ConnectionDelegate Middleware(ConnectionDelegate next, Func<TimeSpan> timeout, TimeProvider time) => async connection =>
    {
        if (connection.Features.Get<ITlsConnectionFeature>() is null)
        {
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            using var timer = time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), stalled, timeout(), Timeout.InfiniteTimeSpan);
            switch (await StartsWithPrefaceAsync(connection.Transport.Input, stalled.Token).ConfigureAwait(false))
            {
                case Peek.Undecided:
                    connection.Abort(new ConnectionAbortedException("nothing decidable arrived within the request headers timeout"));
                    return;
                case Peek.Preface:
                    var feature = new PriorKnowledgeFeature();
                    connection.Features.Set<ITlsConnectionFeature>(feature);
                    connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
                    break;
            }
        }

        await next(connection).ConfigureAwait(false);
    };

    private enum Peek
    {
        NotPreface,
        Preface,
        Undecided,
    }

    /// <summary>Reads until the first bytes match the preface or cannot; consumes nothing. Undecided when cancelled first.</summary>
    private static async Task<Peek> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var length = (int)Math.Min(buffer.Length, Preface.Length);
                var head = new byte[length];
                buffer.Slice(0, length).CopyTo(head);
                var matches = Preface.AsSpan(0, length).SequenceEqual(head);
                if (!matches || length == Preface.Length || result.IsCompleted || result.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start);
                    return matches && length == Preface.Length ? Peek.Preface : Peek.NotPreface;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return Peek.Undecided;
        }
    }

    /// <summary>What Kestrel's protocol selection reads: "h2 was negotiated".</summary>
    private sealed class PriorKnowledgeFeature : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
