namespace Portway;

/// <summary>One call of a pipeline through <see cref="IPortwayInvoker"/>: what to run, on what, by when, for whom.</summary>
public readonly struct PortwayRequest
{
    /// <summary>The default <see cref="Timeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _timeout;
    private readonly string? _interface;
    private readonly string? _tenant;
    private readonly CallerIdentity? _identity;

    /// <summary>The pipeline to run (a name under <c>pipelines:</c>).</summary>
    public required string Pipeline { get; init; }

    /// <summary>The input, JSON bytes (the source stages' input). Empty means no input.</summary>
    public ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>
    /// How long the call may take (for a stream: how long each item may take). Defaults to
    /// <see cref="DefaultTimeout"/> when zero or negative.
    /// </summary>
    public TimeSpan Timeout
    {
        get => _timeout > TimeSpan.Zero ? _timeout : DefaultTimeout;
        init => _timeout = value;
    }

    /// <summary>Trace id, request id and W3C traceparent; new ones are allocated when left default.</summary>
    public PortwayCorrelation Correlation { get; init; }

    /// <summary>The tenant, when the caller knows one. Defaults to empty.</summary>
    public string Tenant
    {
        get => _tenant ?? "";
        init => _tenant = value;
    }

    /// <summary>Who is calling; nodes see it as <c>NodeContext.Identity</c>. Defaults to <see cref="CallerIdentity.Anonymous"/>.</summary>
    public CallerIdentity Identity
    {
        get => _identity ?? CallerIdentity.Anonymous;
        init => _identity = value;
    }

    /// <summary>The adapter's name, for boundary events and logs (<c>http</c>, <c>websocket</c>...). Defaults to <c>app</c>.</summary>
    public string Interface
    {
        get => _interface ?? "app";
        init => _interface = value;
    }
}
