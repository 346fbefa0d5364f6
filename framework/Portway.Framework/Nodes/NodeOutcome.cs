namespace Portway.Nodes;

/// <summary>
/// The typed answer of a <see cref="Node{TIn, TOut}"/>: a value or a taxonomy error.
/// Both convert implicitly, so a node can <c>return value;</c> or <c>return new PortwayError(...)</c>.
/// </summary>
public readonly struct NodeOutcome<T>
{
    private NodeOutcome(T? value, PortwayError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value on success.</summary>
    public T? Value { get; }

    /// <summary>The error on failure; null on success.</summary>
    public PortwayError? Error { get; }

    /// <summary>A success.</summary>
    public static NodeOutcome<T> Success(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static NodeOutcome<T> Failure(PortwayError error) => new(default, error);

    /// <summary>Wraps a value as a success.</summary>
#pragma warning disable CA2225 // Success/Failure are the named alternates.
    public static implicit operator NodeOutcome<T>(T value) => Success(value);

    /// <summary>Wraps an error as a failure.</summary>
    public static implicit operator NodeOutcome<T>(PortwayError error) => Failure(error);
#pragma warning restore CA2225
}
