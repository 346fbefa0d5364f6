using System.Security.Cryptography;

namespace Portway;

/// <summary>Allocates ids in the formats the runtime uses on the wire.</summary>
public static class EnvelopeIds
{
    /// <summary>A new envelope or request id: 32 lower-case hex characters.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>A new W3C trace id: 32 lower-case hex characters, not all zero.</summary>
    public static string NewTraceId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>A new W3C span id: 16 lower-case hex characters.</summary>
    public static string NewSpanId() => System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();

    /// <summary>Fills <paramref name="destination"/> with random nonce bytes.</summary>
    public static void FillNonce(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
