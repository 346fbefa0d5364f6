namespace Portway.Internal.Transport.TcpLocal;

/// <summary>The control vocabulary between the host and its workers (envelope headers and control routes).</summary>
internal static class TcpLocalProtocol
{
    /// <summary>Header on a stage hop and on its answer: the hop's envelope id, which matches them.</summary>
    public const string HopHeader = "hop";

    /// <summary>Control route a worker sends first: headers <c>group</c>, <c>worker</c>, <c>pid</c>.</summary>
    public const string Hello = "hello";

    /// <summary>Control route a worker sends periodically.</summary>
    public const string Heartbeat = "heartbeat";

    public const string GroupHeader = "group";
    public const string WorkerHeader = "worker";
    public const string PidHeader = "pid";
}
