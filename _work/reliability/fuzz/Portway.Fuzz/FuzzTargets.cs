using System.Buffers;
using System.Text;
using Portway.Configuration;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Fuzz;

/// <summary>
/// What each harness feeds its input to. An input may be refused only with the decoder's own error (a
/// <see cref="FrameFormatException"/>, an <see cref="EnvelopeFormatException"/>, config problems with a location);
/// anything else escaping is a crash for AFL, and so is a broken property (the round trip of a decoded envelope).
/// </summary>
internal static class FuzzTargets
{
    /// <summary>Known to the fuzzing signer and to the seeds, so seeded frames verify and reach past the signature.</summary>
    public static readonly byte[] Key = Encoding.UTF8.GetBytes("fuzz-key-0123456789abcdef-fuzz-key");

    public const int MaxPayloadBytes = 4096;

    private static readonly string[] KnownNodes = ["sys.echo", "sys.delay", "sys.fail", "sys.ticks"];

    private static readonly FrameVerifier Verifier = new(
        Signer(), MaxPayloadBytes,
        new HashSet<EnvelopeKind>(Enum.GetValues<EnvelopeKind>()));

    /// <summary>
    /// The signer of the harness: .NET's HMAC, not the libcrypto path (sharpfuzz's rewriting of the assembly breaks
    /// that unsafe code: an access violation in the instrumented build only; the HMAC is not what is fuzzed here).
    /// </summary>
    public static EnvelopeSigner Signer() => new(Key, new FixedTime(), TimeSpan.FromDays(365 * 100), 1024, preferNativeHmac: false);

    /// <summary>A byte stream as a link reads it: every complete frame taken off the front and verified.</summary>
    public static void Frames(ReadOnlySpan<byte> input)
    {
        var sequence = new ReadOnlySequence<byte>(input.ToArray());
        try
        {
            while (FrameCodec.TryRead(ref sequence, FrameCodec.MaxBodyLength(MaxPayloadBytes), out var body))
            {
                var envelope = Verifier.Verify(body, out var error, out var refused);
                if ((envelope is null) == (error is null))
                {
                    throw new InvalidOperationException("Verify must give an envelope or an error, never both or neither");
                }

                if (refused is not null && error is null)
                {
                    throw new InvalidOperationException("a refused envelope comes with its error");
                }
            }
        }
        catch (FrameFormatException)
        {
        }
    }

    /// <summary>Canonical envelope bytes: decoded, or refused with <see cref="EnvelopeFormatException"/>; a decoded one round-trips.</summary>
    public static void Envelope(ReadOnlySpan<byte> input)
    {
        Envelope first;
        try
        {
            first = EnvelopeCodec.Read(input, MaxPayloadBytes);
        }
        catch (EnvelopeFormatException)
        {
            return;
        }

        // Decoding normalizes (invalid UTF-8 becomes U+FFFD, a repeated header key keeps its last value): what was
        // decoded once must encode and decode to itself.
        var bytes = new byte[EnvelopeCodec.GetLength(first)];
        var written = EnvelopeCodec.Write(first, bytes);
        var second = EnvelopeCodec.Read(bytes.AsSpan(0, written), MaxPayloadBytes);
        var again = new byte[EnvelopeCodec.GetLength(second)];
        EnvelopeCodec.Write(second, again);
        if (written != bytes.Length || !bytes.AsSpan().SequenceEqual(again))
        {
            throw new InvalidOperationException("a decoded envelope does not round-trip through the canonical form");
        }
    }

    /// <summary>YAML text: a config, or problems each with a location; the loader never throws.</summary>
    public static void Config(string yaml)
    {
        var result = PortwayConfigLoader.Load(yaml, "fuzz.yaml", KnownNodes);
        if (result.Config is null && result.Problems.Count == 0)
        {
            throw new InvalidOperationException("no config and no problem");
        }

        foreach (var problem in result.Problems)
        {
            if (problem.Line < 1 || problem.Column < 1 || string.IsNullOrEmpty(problem.Message))
            {
                throw new InvalidOperationException($"a problem without a location or a message: {problem}");
            }
        }

        if (result.Config is not null)
        {
            _ = ContractSummary.Render(result.Config);
        }
    }

    /// <summary>A fixed clock for the verifier: seeds are stamped at this time, so their ts is never stale.</summary>
    internal sealed class FixedTime : TimeProvider
    {
        public static readonly DateTimeOffset Now = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
