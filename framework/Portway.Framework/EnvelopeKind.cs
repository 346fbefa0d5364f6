namespace Portway;

/// <summary>What an <see cref="Envelope"/> carries. The numeric values are part of the wire format.</summary>
public enum EnvelopeKind : byte
{
    /// <summary>A request for a pipeline or a stage.</summary>
    Request = 1,

    /// <summary>A successful answer.</summary>
    Reply = 2,

    /// <summary>An error answer; the payload is <c>{"code","message"}</c>.</summary>
    Error = 3,

    /// <summary>One item of a stream.</summary>
    StreamItem = 4,

    /// <summary>The end of a stream.</summary>
    StreamEnd = 5,

    /// <summary>Runtime control traffic (cancel, heartbeat, register).</summary>
    Control = 6,
}
