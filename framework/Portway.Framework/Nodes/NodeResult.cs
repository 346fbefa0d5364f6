namespace Portway.Nodes;

/// <summary>What an <see cref="INode"/> answers: a JSON payload or a taxonomy error.</summary>
public readonly struct NodeResult
{
    private NodeResult(ReadOnlyMemory<byte> payload, PortwayError? error)
    {
        Payload = payload;
        Error = error;
    }

    /// <summary>The JSON output; empty on failure.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The error; null on success.</summary>
    public PortwayError? Error { get; }

    /// <summary>True when the node succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>A success carrying <paramref name="payload"/> (JSON).</summary>
    public static NodeResult Success(ReadOnlyMemory<byte> payload) => new(payload, null);

    /// <summary>A failure carrying <paramref name="error"/>.</summary>
    public static NodeResult Failure(PortwayError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>A failure with the given code and message.</summary>
    public static NodeResult Failure(string code, string message) => Failure(new PortwayError(code, message));
}
