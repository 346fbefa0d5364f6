using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Sends a group's stage hops to its Redis hop stream (<c>XADD ... MAXLEN ~</c>, batched by <see cref="RedisHopSender"/>) and waits for the answer the
/// <see cref="RedisReplyHub"/> reads from this instance's reply stream. Redis unreachable, or no live worker in the
/// group: <c>unavailable</c> at once. Never throws for a transport failure; cancellation throws.
/// </summary>
internal sealed class RedisStageTransport : IStageTransport
{
    private readonly string _group;
    private readonly RedisConnection _connection;
    private readonly RedisReplyHub _hub;
    private readonly RedisHopSender _sender;
    private readonly Task _started;

    public RedisStageTransport(StageTransportContext context, RedisConnection connection, RedisReplyHub hub)
    {
        _group = context.Group.Name;
        _connection = connection;
        _hub = hub;
        _sender = new RedisHopSender(connection, hub, RedisStreamNames.Hops(connection.KeyPrefix, _group), context.Config.Runtime.Platform.Redis.StreamMaxLength, _group);
        _started = hub.EnsureStarted(context.InstanceId, _group);
    }

    public async ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_started.IsCompleted) await _started.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_connection.IsConnected || _connection.DatabaseIfConnected is null)
        {
            return Unavailable(request, $"redis is unreachable ({_connection.Description}); process group '{_group}' cannot be reached");
        }

        if (!_hub.IsLive(_group))
        {
            return Unavailable(request, $"no live worker for process group '{_group}'");
        }

        if (RedisStreamNames.ReplyInstance(request) is null) request.Headers[RedisStreamNames.ReplyInstanceHeader] = _hub.Instance;

        byte[] bytes;
        try
        {
            bytes = _hub.Wire.Encode(request);
        }
        catch (PortwayException ex)
        {
            return request.CreateAnswer(EnvelopeKind.Error, ex.Error.ToPayload());
        }

        var pending = _hub.Register(request.Id, _group);
        try
        {
            // Added to the hop stream now or with the next call (at most one in flight); a failed call answers it unavailable.
            _sender.Send(request.Id, bytes);

            // The token ends the wait on the completion source itself: no extra task per hop.
            using (cancellationToken.UnsafeRegister(static (state, token) => ((RedisReplyHub.Pending)state!).CancelLater(token), pending))
            {
                var answer = await pending.Answer.Task.ConfigureAwait(false);
                return answer.Id.Length == 0 ? request.CreateAnswer(EnvelopeKind.Error, answer.Payload) : answer;
            }
        }
        finally
        {
            _hub.Forget(request.Id);
        }
    }

    private static Envelope Unavailable(Envelope request, string why) =>
        request.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Unavailable, why).ToPayload());
}
