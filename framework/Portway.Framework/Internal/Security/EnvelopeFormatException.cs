namespace Portway.Internal.Security;

/// <summary>The bytes are not a well-formed envelope (or a frame of one).</summary>
internal sealed class EnvelopeFormatException(string message, bool isPayloadTooLarge = false) : Exception(message)
{
    /// <summary>True when the envelope was rejected for its payload size.</summary>
    public bool IsPayloadTooLarge { get; } = isPayloadTooLarge;

    /// <summary>The taxonomy error for this rejection.</summary>
    public PortwayError ToError() =>
        new(IsPayloadTooLarge ? ErrorCode.PayloadTooLarge : ErrorCode.ValidationFailed, Message);
}
