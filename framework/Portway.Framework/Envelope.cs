namespace Portway;

/// <summary>
/// The one message shape that crosses every boundary: ingress → router → node → egress.
/// <see cref="Ts"/>, <see cref="Nonce"/> and <see cref="Sig"/> are filled in by signing.
/// </summary>
public sealed class Envelope
{
    /// <summary>The header that carries the W3C trace context across every hop.</summary>
    public const string TraceParentHeader = "traceparent";

    private string? _id = "";

    /// <summary>Unique id of this envelope.</summary>
    /// <remarks>
    /// An envelope the runtime creates (<see cref="CreateRequest"/>, <see cref="CreateAnswer"/>, a stage hop) draws its
    /// random id when the id is first read: an in-process hop or answer nobody reads the id of costs no id string.
    /// </remarks>
    public string Id
    {
        get => _id ?? NewIdOnce();
        set => _id = value;
    }

    /// <summary>An envelope with a new id, drawn on first read of <see cref="Id"/>.</summary>
    internal static Envelope WithNewId() => new() { _id = null };

    /// <summary>For a stage hop that stays in this process: its pipeline, stage and node (instead of headers).</summary>
    internal Internal.Routing.InProcessStage? InProcessStage { get; set; }

    /// <summary>For a stage hop that stays in this process: its W3C trace context (instead of the <c>traceparent</c> header).</summary>
    internal string? InProcessTraceParent { get; set; }

    private string NewIdOnce()
    {
        var id = EnvelopeIds.NewId();
        return Interlocked.CompareExchange(ref _id, id, null) ?? id;
    }

    /// <summary>What it carries.</summary>
    public EnvelopeKind Kind { get; set; }

    /// <summary>Where it goes: a pipeline name, or <c>pipeline/stage</c> for a stage hop.</summary>
    public string Route { get; set; } = "";

    /// <summary>W3C trace id, 32 lower-case hex characters.</summary>
    public string TraceId { get; set; } = "";

    /// <summary>The caller's request id (the <c>x-request-id</c>).</summary>
    public string RequestId { get; set; } = "";

    /// <summary>Where the answer goes: <c>instance/waiter</c>.</summary>
    public string ReplyTo { get; set; } = "";

    /// <summary>The tenant, if the ingress knows one.</summary>
    public string Tenant { get; set; } = "";

    private Dictionary<string, string>? _headers;

    /// <summary>Extra metadata (span id, route parameters, stream sequence...); created on first use.</summary>
    public Dictionary<string, string> Headers
    {
        get => _headers ??= new(StringComparer.Ordinal);
        set => _headers = value;
    }

    /// <summary>How many headers there are, without creating the dictionary (answers usually have none).</summary>
    internal int HeaderCount => _headers?.Count ?? 0;

    private ReadOnlyMemory<byte> _payload;
    private PortwayError? _error;

    /// <summary>The body, JSON by default. An error answer made in this process keeps its error as an object and writes these bytes only when read.</summary>
    public ReadOnlyMemory<byte> Payload
    {
        get => _error is null || !_payload.IsEmpty ? _payload : (_payload = _error.ToPayload());
        set => _payload = value;
    }

    /// <summary>Who is calling (see <see cref="CallerIdentity"/>). Defaults to <see cref="CallerIdentity.Anonymous"/>.</summary>
    public CallerIdentity Identity { get; set; } = CallerIdentity.Anonymous;

    /// <summary>When the call behind this envelope must be answered by; null when unknown.</summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>Unix time in milliseconds when the envelope was signed.</summary>
    public long Ts { get; set; }

    /// <summary>16 random bytes that make a signed envelope unique (replay protection).</summary>
    public ReadOnlyMemory<byte> Nonce { get; set; }

    /// <summary>HMAC-SHA256 over the canonical bytes, 32 bytes; empty when unsigned.</summary>
    public ReadOnlyMemory<byte> Sig { get; set; }

    /// <summary>
    /// A request entering the runtime at an ingress: a new id, kind <see cref="EnvelopeKind.Request"/>, the
    /// pipeline to run as its route, the caller's correlation, and <paramref name="traceParent"/> (the request
    /// span's W3C context) in the <c>traceparent</c> header that every stage hop carries on.
    /// </summary>
    public static Envelope CreateRequest(string pipeline, string traceId, string requestId, string traceParent, string tenant, ReadOnlyMemory<byte> payload)
    {
        var request = new Envelope
        {
            _id = null, // drawn on first read
            Kind = EnvelopeKind.Request,
            Route = pipeline,
            TraceId = traceId,
            RequestId = requestId,
            Tenant = tenant,
            Payload = payload,
        };
        request.Headers[TraceParentHeader] = traceParent;
        return request;
    }

    /// <summary>
    /// The error answer to this envelope (kind <see cref="EnvelopeKind.Error"/>), holding <paramref name="error"/> as an
    /// object: in process it is never written to bytes and read back (see <see cref="ReadError"/>).
    /// </summary>
    public Envelope CreateError(PortwayError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var answer = CreateAnswer(EnvelopeKind.Error, default);
        answer._error = error;
        return answer;
    }

    /// <summary>The error of an error envelope: the object it was made with, else its payload read.</summary>
    public PortwayError ReadError() => _error ?? PortwayError.FromPayload(Payload.Span);

    /// <summary>Creates the answer to this envelope: same correlation, new id, the given kind and payload.</summary>
    public Envelope CreateAnswer(EnvelopeKind kind, ReadOnlyMemory<byte> payload) => new()
    {
        _id = null, // drawn on first read
        Kind = kind,
        Route = Route,
        TraceId = TraceId,
        RequestId = RequestId,
        ReplyTo = ReplyTo,
        Tenant = Tenant,
        Identity = Identity,
        Payload = payload,
    };
}
