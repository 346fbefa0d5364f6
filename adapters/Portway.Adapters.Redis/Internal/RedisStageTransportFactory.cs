using Portway.Transport;

namespace Portway.Adapters.Redis.Internal;

/// <summary>Provides the transport of every process group when <c>execution_ipc.transport</c> is <c>redis</c>.</summary>
internal sealed class RedisStageTransportFactory(RedisConnection connection, RedisReplyHub hub) : IStageTransportFactory
{
    public string Transport => "redis";

    public IStageTransport Create(StageTransportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new RedisStageTransport(context, connection, hub);
    }
}
