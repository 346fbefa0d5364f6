using System.Net.Sockets;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Where accepted connections wait for their admission token, all on one thread of the gate's own (one
/// <see cref="Socket.Select"/> over every waiting socket; the sockets stay in blocking mode for the link that
/// follows). A connection is admitted when its first <see cref="WorkerAdmission.TokenLength"/> bytes are a token
/// outstanding; refused when they are not, when they do not arrive within <see cref="Timeout"/>, or when
/// <see cref="Capacity"/> newer connections arrived after it (the oldest waiting one makes room: a new
/// connection, which may be the child, always gets its chance).
/// </summary>
internal sealed class AdmissionGate : IDisposable
{
    private readonly WorkerAdmission _admission;
    private readonly TimeProvider _time;
    private readonly Action<Socket> _admitted;
    private readonly Action<string> _refused;
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiting> _waiting = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Thread _thread;
    private volatile bool _stopped;

    public AdmissionGate(WorkerAdmission admission, TimeProvider time, int capacity, TimeSpan timeout, Action<Socket> admitted, Action<string> refused)
    {
        _admission = admission;
        _time = time;
        Capacity = capacity;
        Timeout = timeout;
        _admitted = admitted;
        _refused = refused;
        _thread = new Thread(Run) { IsBackground = true, Name = "Portway tcp_local admission" };
        _thread.UnsafeStart();
    }

    /// <summary>Connections that may wait for their token at once.</summary>
    public int Capacity { get; }

    /// <summary>How long a connection may take to send its token.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Connections waiting for their token now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _waiting.Count;
        }
    }

    /// <summary>Takes an accepted connection; it is admitted or refused later, on the gate's thread.</summary>
    public void Add(Socket socket)
    {
        Waiting? evicted = null;
        lock (_lock)
        {
            if (_stopped)
            {
                socket.Dispose();
                return;
            }

            if (_waiting.Count >= Capacity)
            {
                evicted = _waiting.First!.Value;
                _waiting.RemoveFirst();
            }

            _waiting.AddLast(new Waiting(socket, _time.GetTimestamp()));
        }

        _arrived.Release();
        if (evicted is not null) Refuse(evicted, $"{Capacity} newer connections arrived before its admission token");
    }

    public void Dispose()
    {
        _stopped = true;
        _arrived.Release();
        _thread.Join();
        lock (_lock)
        {
            foreach (var waiting in _waiting) waiting.Socket.Dispose();
            _waiting.Clear();
        }

        _arrived.Dispose();
    }

    private void Run()
    {
        var read = new List<Socket>();
        var bySocket = new Dictionary<Socket, Waiting>();
        while (!_stopped)
        {
            read.Clear();
            bySocket.Clear();
            lock (_lock)
            {
                foreach (var waiting in _waiting)
                {
                    read.Add(waiting.Socket);
                    bySocket[waiting.Socket] = waiting;
                }
            }

            if (read.Count == 0)
            {
                _arrived.Wait();
                continue;
            }

            try
            {
                // Short waits: new arrivals and the timeouts are looked at between them.
                Socket.Select(read, null, null, 50_000);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // A socket closed under the select (evicted): look again.
                read.Clear();
            }

            while (_arrived.CurrentCount > 0) _arrived.Wait(0);
            foreach (var socket in read)
            {
                if (bySocket.TryGetValue(socket, out var waiting)) ReadToken(waiting);
            }

            var now = _time.GetTimestamp();
            List<Waiting>? expired = null;
            lock (_lock)
            {
                for (var node = _waiting.First; node is not null;)
                {
                    var next = node.Next;
                    if (_time.GetElapsedTime(node.Value.Since, now) >= Timeout)
                    {
                        (expired ??= []).Add(node.Value);
                        _waiting.Remove(node);
                    }

                    node = next;
                }
            }

            foreach (var waiting in expired ?? []) Refuse(waiting, $"no admission token within {Timeout.TotalMilliseconds:0} ms");
        }
    }

    private void ReadToken(Waiting waiting)
    {
        int n;
        try
        {
            // Readable: this read returns what is there (or 0 at the end) without blocking.
            n = waiting.Socket.Receive(waiting.Token, waiting.Received, WorkerAdmission.TokenLength - waiting.Received, SocketFlags.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            n = 0;
        }

        if (n > 0)
        {
            waiting.Received += n;
            if (waiting.Received < WorkerAdmission.TokenLength) return;
        }

        if (!Remove(waiting)) return;
        if (n > 0 && _admission.TryRedeem(waiting.Token))
        {
            _admitted(waiting.Socket);
            return;
        }

        Refuse(waiting, n > 0 ? "not a valid admission token" : "closed before its admission token");
    }

    private bool Remove(Waiting waiting)
    {
        lock (_lock) return _waiting.Remove(waiting);
    }

    private void Refuse(Waiting waiting, string why)
    {
        string peer;
        try
        {
            peer = waiting.Socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            peer = "?";
        }

        // Counted before the close: whoever sees the connection closed sees the refusal counted.
        _refused($"{peer}: {why}");
        waiting.Socket.Dispose();
    }

    private sealed class Waiting(Socket socket, long since)
    {
        public Socket Socket { get; } = socket;

        public long Since { get; } = since;

        public byte[] Token { get; } = new byte[WorkerAdmission.TokenLength];

        public int Received { get; set; }
    }
}
