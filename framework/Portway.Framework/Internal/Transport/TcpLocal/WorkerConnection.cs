using System.Collections.Concurrent;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The host's side of one worker: its link, and the stage hops in flight on it, matched by hop id.
/// When the link closes (the worker crashed, was killed, or stopped sending heartbeats) every hop in
/// flight is answered <c>unavailable</c> at once, not at its deadline.
/// </summary>
internal sealed class WorkerConnection
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Envelope>> _inFlight = new(StringComparer.Ordinal);
    private long _lastSeen;
    private string? _deadReason;

    public WorkerConnection(TcpLink link, string group, string workerId, int pid, IReadOnlyList<string> stages, long now)
    {
        Link = link;
        Group = group;
        WorkerId = workerId;
        Pid = pid;
        Stages = stages;
        _lastSeen = now;
    }

    public TcpLink Link { get; }

    public string Group { get; }

    public string WorkerId { get; }

    public int Pid { get; }

    public IReadOnlyList<string> Stages { get; }

    public int InFlight => _inFlight.Count;

    /// <summary>
    /// True while no new hop may go to this worker (it is alive): a worker of a config reload not switched to yet, or
    /// an old one draining after the switch. Hops in flight on it finish.
    /// </summary>
    public bool IsHeld
    {
        get => Volatile.Read(ref _held);
        set => Volatile.Write(ref _held, value);
    }

    private bool _held;

    /// <summary>True once the link closed: nothing more is sent to this worker.</summary>
    public bool IsDead => Volatile.Read(ref _deadReason) is not null || Link.IsClosed;

    public long LastSeen => Interlocked.Read(ref _lastSeen);

    public void Seen(long now) => Interlocked.Exchange(ref _lastSeen, now);

    /// <summary>Sends a hop and waits for its answer; never throws for a transport failure (answers <c>unavailable</c>); cancellation throws.</summary>
    public async ValueTask<Envelope> SendAsync(Envelope hop, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<Envelope>(TaskCreationOptions.RunContinuationsAsynchronously);
        hop.Headers[TcpLocalProtocol.HopHeader] = hop.Id;
        _inFlight[hop.Id] = answer;
        try
        {
            // FailAll sets the reason before it sweeps: either it sees this hop, or this sees the reason.
            if (Volatile.Read(ref _deadReason) is { } dead)
            {
                return Unavailable(hop, dead);
            }

            bool sent;
            try
            {
                sent = await Link.SendAsync(hop, cancellationToken).ConfigureAwait(false);
            }
            catch (EnvelopeFormatException ex)
            {
                return hop.CreateAnswer(EnvelopeKind.Error, ex.ToError().ToPayload());
            }

            if (!sent)
            {
                return Unavailable(hop, Volatile.Read(ref _deadReason) ?? $"worker {WorkerId} of group '{Group}' is gone");
            }

            try
            {
                // The token ends the wait on the completion source itself: no extra task per hop.
                using (cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<Envelope>)state!).TrySetCanceled(token), answer))
                {
                    return await answer.Task.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller went away (deadline, disconnect, another stage failed): the worker stops the node.
                var cancel = new Envelope { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = TcpLocalProtocol.Cancel, Headers = { [TcpLocalProtocol.HopHeader] = hop.Id } };
                _ = Link.SendAsync(cancel, CancellationToken.None).AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }
        }
        finally
        {
            // An answered hop was taken out by Complete or FailAll already (one dictionary operation per hop fewer).
            if (!answer.Task.IsCompletedSuccessfully)
            {
                _inFlight.TryRemove(hop.Id, out _);
            }
        }
    }

    /// <summary>Completes the hop the answer names; false when no such hop is in flight (late or forged).</summary>
    public bool Complete(Envelope answer) =>
        answer.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop)
        && _inFlight.TryRemove(hop, out var waiting)
        && waiting.TrySetResult(answer);

    /// <summary>Marks the worker dead and answers every hop in flight with <c>unavailable</c>; returns how many.</summary>
    public int FailAll(string why)
    {
        Interlocked.CompareExchange(ref _deadReason, why, null);
        var failed = 0;
        foreach (var (hop, waiting) in _inFlight)
        {
            if (_inFlight.TryRemove(hop, out _) && waiting.TrySetResult(new Envelope
            {
                Kind = EnvelopeKind.Error,
                Payload = new PortwayError(ErrorCode.Unavailable, why).ToPayload(),
            }))
            {
                failed++;
            }
        }

        return failed;
    }

    private static Envelope Unavailable(Envelope hop, string why) =>
        hop.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Unavailable, why).ToPayload());
}
