namespace Portway.Internal.Transport.TcpLocal;

/// <summary>The control vocabulary between the host and its workers (envelope headers and control routes).</summary>
internal static class TcpLocalProtocol
{
    /// <summary>Header on a stage hop and on its answer: the hop's envelope id, which matches them.</summary>
    public const string HopHeader = "hop";

    /// <summary>Control route a worker sends first: headers <c>group</c>, <c>worker</c>, <c>pid</c>, <c>stages</c>.</summary>
    public const string Hello = "hello";

    /// <summary>Control route a worker sends periodically.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Control route the host sends when the caller of a hop went away (header <c>hop</c>).</summary>
    public const string Cancel = "cancel";

    public const string GroupHeader = "group";
    public const string WorkerHeader = "worker";
    public const string PidHeader = "pid";

    /// <summary>Hello header: the qualified stages (<c>pipeline.stage</c>) the worker serves, comma-separated.</summary>
    public const string StagesHeader = "stages";

    /// <summary>What the host accepts from a worker.</summary>
    public static readonly IReadOnlySet<EnvelopeKind> HostAccepts = new HashSet<EnvelopeKind> { EnvelopeKind.Reply, EnvelopeKind.Error, EnvelopeKind.Control };

    /// <summary>What a worker accepts from the host.</summary>
    public static readonly IReadOnlySet<EnvelopeKind> WorkerAccepts = new HashSet<EnvelopeKind> { EnvelopeKind.Request, EnvelopeKind.Control };
}
