using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portway.Configuration;

namespace Portway.Adapters.Egress.Internal;

/// <summary>
/// One named outbound WebSocket client. A single loop connects (with backoff and jitter between failed attempts,
/// reset once connected), then sends queued messages in order until the connection fails or the peer closes it, and
/// connects again. The queue is bounded (<c>send_queue_limit</c>): a message over it is refused, never buffered. A
/// message whose send failed is sent again first on the next connection, in order. Without acknowledgements from the
/// peer, a message sent just as the peer closes (its close frame still in flight) can be lost.
/// Incoming messages are read (so pings and the close handshake are answered) and dropped.
/// </summary>
internal sealed partial class WebSocketEgressClient : IAsyncDisposable
{
    private readonly WebSocketEgressConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly Channel<byte[]> _queue;
    private readonly CancellationTokenSource _stop = new();
    private byte[]? _unsent;
    private Task? _loop;
    private int _queued;
    private long _sent;
    private long _connects;
    private long _connectFailures;
    private volatile bool _connected;
    private int _disposed;
    private int _started;

    public WebSocketEgressClient(WebSocketEgressConfig config, TimeProvider time, ILogger logger, KeyValuePair<string, string>[] headers)
    {
        _config = config;
        _time = time;
        _logger = logger;
        _headers = headers;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(config.SendQueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Name => _config.Name;

    public bool Connected => _connected;

    /// <summary><c>send_queue_limit</c>.</summary>
    public int Limit => _config.SendQueueLimit;

    /// <summary>Messages waiting to be sent.</summary>
    public int Queued => Volatile.Read(ref _queued);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Connections made so far (the first one included).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Starts the connect/send loop (once; at host start, or by the first message where no host runs hosted services).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Queues <c>{"traceparent","payload"}</c>; false when the queue is full.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> payload, string traceParent)
    {
        Start();
        var frame = Frame(payload, traceParent);
        if (!_queue.Writer.TryWrite(frame))
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private static byte[] Frame(ReadOnlyMemory<byte> payload, string traceParent)
    {
        var buffer = new ArrayBufferWriter<byte>(payload.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (traceParent.Length > 0)
            {
                writer.WriteString("traceparent", traceParent);
            }

            writer.WritePropertyName("payload");
            if (payload.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else
            {
                using var document = JsonDocument.Parse(payload);
                document.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
