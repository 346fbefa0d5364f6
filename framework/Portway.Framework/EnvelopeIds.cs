using System.Security.Cryptography;

namespace Portway;

/// <summary>Allocates ids in the formats the runtime uses on the wire.</summary>
public static class EnvelopeIds
{
    /// <summary>
    /// A new envelope or request id: 32 lower-case hex characters from 16 cryptographically random bytes, taken
    /// from the same per-thread batch as <see cref="FillNonce"/> (<see cref="Guid.NewGuid"/> costs one kernel
    /// call each on Linux, and a request allocates several ids).
    /// </summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        FillNonce(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>A new W3C trace id: 32 lower-case hex characters, not all zero.</summary>
    public static string NewTraceId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>A new W3C span id: 16 lower-case hex characters.</summary>
    public static string NewSpanId() => System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();

    /// <summary>
    /// Fills <paramref name="destination"/> with random nonce bytes from .NET's cryptographic generator (<see cref="RandomNumberGenerator"/>). Small requests
    /// are served from a per-thread batch of 4 KiB (one generator call per 256 nonces instead of one each: a
    /// generator call costs about as much as an HMAC); each byte is handed out once and cleared.
    /// </summary>
    public static void FillNonce(Span<byte> destination)
    {
        if (destination.Length > RandomBatchBytes / 16)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var batch = _randomBatch;
        var used = _randomBatchUsed;
        if (batch is null || used + destination.Length > batch.Length)
        {
            batch ??= _randomBatch = new byte[RandomBatchBytes];
            RandomNumberGenerator.Fill(batch);
            used = 0;
        }

        var source = batch.AsSpan(used, destination.Length);
        source.CopyTo(destination);
        source.Clear();
        _randomBatchUsed = used + destination.Length;
    }

    private const int RandomBatchBytes = 4096;

    [ThreadStatic]
    private static byte[]? _randomBatch;

    [ThreadStatic]
    private static int _randomBatchUsed;
}
