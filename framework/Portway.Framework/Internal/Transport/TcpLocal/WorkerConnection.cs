using System.Collections.Concurrent;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The host's side of one worker: its link, and the stage hops in flight on it, matched by hop id.
/// When the link closes (the worker crashed, was killed, or stopped answering heartbeats) every hop in
/// flight is answered <c>unavailable</c> at once, not at its deadline.
/// </summary>
internal sealed class WorkerConnection
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Envelope>> _inFlight = new(StringComparer.Ordinal);
    private long _lastSeen;

    public WorkerConnection(TcpLink link, string group, string workerId, int pid, long now)
    {
        Link = link;
        Group = group;
        WorkerId = workerId;
        Pid = pid;
        _lastSeen = now;
    }

    public TcpLink Link { get; }

    public string Group { get; }

    public string WorkerId { get; }

    public int Pid { get; }

    public int InFlight => _inFlight.Count;

    public long LastSeen => Interlocked.Read(ref _lastSeen);

    public void Seen(long now) => Interlocked.Exchange(ref _lastSeen, now);

    public async ValueTask<Envelope> SendAsync(Envelope hop, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<Envelope>(TaskCreationOptions.RunContinuationsAsynchronously);
        hop.Headers[TcpLocalProtocol.HopHeader] = hop.Id;
        _inFlight[hop.Id] = answer;
        try
        {
            if (Link.IsClosed || !await Link.SendAsync(hop, cancellationToken).ConfigureAwait(false))
            {
                return Unavailable(hop, $"worker {WorkerId} of group '{Group}' is gone");
            }

            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(hop.Id, out _);
        }
    }

    /// <summary>Completes the hop the answer names; false when no such hop is in flight (late or forged).</summary>
    public bool Complete(Envelope answer) =>
        answer.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop)
        && _inFlight.TryRemove(hop, out var waiting)
        && waiting.TrySetResult(answer);

    /// <summary>Answers every hop in flight with <c>unavailable</c>.</summary>
    public void FailAll(string why)
    {
        foreach (var (hop, waiting) in _inFlight)
        {
            if (_inFlight.TryRemove(hop, out _))
            {
                waiting.TrySetResult(new Envelope
                {
                    Kind = EnvelopeKind.Error,
                    Payload = new PortwayError(ErrorCode.Unavailable, why).ToPayload(),
                });
            }
        }
    }

    private static Envelope Unavailable(Envelope hop, string why) =>
        hop.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Unavailable, why).ToPayload());
}
