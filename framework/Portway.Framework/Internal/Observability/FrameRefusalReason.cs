namespace Portway.Internal.Observability;

/// <summary>
/// The <c>reason</c> label of a tcp_local frame refusal (<c>portway.tcp_local.frames_rejected</c>, <c>/stats</c>): a
/// small fixed set, so a flood of bad frames never grows the metric's label values.
/// </summary>
/// <remarks>
/// The verifier and the signer report a refusal as a taxonomy error with a message for humans; the reason is read
/// from its code and the message's fixed wording (FrameRefusalReasonTests pins every refusal the link makes).
/// </remarks>
internal static class FrameRefusalReason
{
    public const string BadSignature = "bad_signature";
    public const string Expired = "ts_expired";
    public const string Future = "ts_in_future";
    public const string Replayed = "replayed";
    public const string ReplayWindow = "replay_window";
    public const string KindNotAccepted = "kind_not_accepted";
    public const string Malformed = "malformed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string Oversize = "frame_too_large";
    public const string Truncated = "truncated";
    public const string Other = "other";

    /// <summary>Every reason, in the order <c>/stats</c> lists them.</summary>
    public static readonly string[] All = [BadSignature, Expired, Future, Replayed, ReplayWindow, KindNotAccepted, Malformed, PayloadTooLarge, Oversize, Truncated, Other];

    /// <summary>The reason of a frame the verifier refused (it parsed as a frame; its envelope or signature was refused).</summary>
    public static string Of(PortwayError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var m = error.Message;
        return error.Code switch
        {
            ErrorCode.PayloadTooLarge => PayloadTooLarge,
            ErrorCode.ValidationFailed when m.Contains("not accepted on this link", StringComparison.Ordinal) => KindNotAccepted,
            ErrorCode.ValidationFailed => Malformed,
            ErrorCode.Unauthorized when m.Contains("signature", StringComparison.Ordinal) || m.Contains("not signed", StringComparison.Ordinal) => BadSignature,
            ErrorCode.Unauthorized when m.Contains("already used", StringComparison.Ordinal) => Replayed,
            ErrorCode.Unauthorized when m.Contains("replay guard", StringComparison.Ordinal) => ReplayWindow,
            ErrorCode.Unauthorized when m.Contains("in the future", StringComparison.Ordinal) => Future,
            ErrorCode.Unauthorized when m.Contains("old", StringComparison.Ordinal) => Expired,
            _ => Other,
        };
    }

    /// <summary>The reason of bytes that are no frame at all: a length prefix over the limit or under any envelope, or a frame cut short.</summary>
    public static string OfFraming(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Contains("inside a frame", StringComparison.Ordinal)) return Truncated;
        if (message.Contains("shorter than", StringComparison.Ordinal)) return Malformed;
        return message.Contains("limit", StringComparison.Ordinal) ? Oversize : Other;
    }
}
