using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Portway.Internal.Correlation;
using Portway.Internal.Security;

namespace Portway.Benchmarks;

/// <summary>
/// Operations per second of one thread's CPU time (not wall time), and bytes allocated per operation: the
/// "per second on one core" figures, robust on a shared machine where the thread waits for a core a lot.
/// </summary>
internal static class CpuThroughput
{
    public static int Run()
    {
        var signer = new EnvelopeSigner(RandomNumberGenerator.GetBytes(32), TimeProvider.System, TimeSpan.FromSeconds(30), 100_000);
        var envelope = SampleEnvelopes.Hop(256);
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        var signature = new byte[EnvelopeCodec.SignatureLength];
        var registry = new WaiterRegistry(TimeProvider.System, "i" + EnvelopeIds.NewId()[..12]);
        using var caller = new CancellationTokenSource();
        var answer = SampleEnvelopes.Hop(64);
        answer.Kind = EnvelopeKind.Reply;

        var signAndVerify = Measure("sign + verify (256-byte payload)", () =>
        {
            signer.Sign(envelope);
            _ = signer.Verify(envelope);
        });
        Measure("sign + verify the same canonical bytes (memory transport, frame)", () =>
        {
            var written = signer.Sign(envelope, canonical);
            _ = signer.Verify(envelope, canonical.AsSpan(0, written));
        });
        var frames = new FrameBenchmarks { PayloadBytes = 256 };
        frames.Setup();
        Measure("tcp_local frame: encode, read, decode + verify (one hop direction)", () => frames.EncodeReadVerify());
        Measure("tcp_local frame: encode (stamp, write, sign into a pooled buffer)", () => frames.Encode());
        var written = signer.Sign(envelope, canonical);
        Measure("tcp_local frame: decode only (canonical bytes to an envelope)", () => EnvelopeCodec.Read(canonical.AsSpan(0, written), 1 << 20));
        Measure("HMAC-SHA256 of the canonical bytes", () => signer.ComputeSignature(canonical, signature));
        Measure("HMAC-SHA256 of 32 bytes (the per-call floor)", () => signer.ComputeSignature(signature, signature));
        using var native = new HmacSha256(RandomNumberGenerator.GetBytes(32));
        using var platform = new HmacSha256(RandomNumberGenerator.GetBytes(32), preferNative: false);
        Measure($"HMAC-SHA256 of the canonical bytes, {(native.IsNative ? "libcrypto SHA256_* direct" : "platform (no libcrypto)")}", () => native.Compute(canonical, signature));
        Measure("HMAC-SHA256 of the canonical bytes, platform IncrementalHash", () => platform.Compute(canonical, signature));
        Measure("canonical encode", () => EnvelopeCodec.Write(envelope, canonical));
        var nonce = new byte[EnvelopeCodec.NonceLength];
        Measure("nonce: 16 random bytes", () => EnvelopeIds.FillNonce(nonce));
        var replay = new ReplayCache(100_000);
        var ts = 0L;
        Measure("replay cache add (100,000 remembered, full)", () =>
        {
            EnvelopeIds.FillNonce(nonce);
            replay.TryAdd(nonce, ++ts);
        });
        Measure("envelope id: EnvelopeIds.NewId (32 hex chars from the batched random bytes)", () => EnvelopeIds.NewId());
        Measure("envelope id as it was: Guid.NewGuid().ToString(\"N\") (a getrandom call each)", () => Guid.NewGuid().ToString("N"));
        Measure("clock read (TimeProvider.System UTC ms)", () => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        Measure("waiter register + complete", () =>
        {
            var waiter = registry.RegisterReply(TimeSpan.FromSeconds(30), caller.Token);
            answer.ReplyTo = waiter.ReplyTo;
            registry.TryDeliver(answer);
        });
        return Filter is not null || signAndVerify >= 1_000_000 ? 0 : 1;
    }

    /// <summary>PORTWAY_CPU_FILTER: only the operations whose name contains it (case-insensitive) are measured.</summary>
    private static readonly string? Filter = Environment.GetEnvironmentVariable("PORTWAY_CPU_FILTER");

    private static double Measure(string name, Action operation)
    {
        if (Filter is not null && !name.Contains(Filter, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        for (var i = 0; i < 200_000; i++)
        {
            operation();
        }

        long count = 0;
        var wall = Stopwatch.StartNew();
        var cpuStart = ThreadCpuClock.Now;
        var allocatedStart = GC.GetAllocatedBytesForCurrentThread();
        TimeSpan cpu;
        do
        {
            for (var i = 0; i < 10_000; i++)
            {
                operation();
            }

            count += 10_000;
            cpu = ThreadCpuClock.Now - cpuStart;
        }
        while (cpu < TimeSpan.FromSeconds(2));

        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedStart) / (double)count;
        var perCpuSecond = count / cpu.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {perCpuSecond:N0} | {cpu.TotalMilliseconds * 1000 / count:F3} | {count / wall.Elapsed.TotalSeconds:N0} | {allocated:F0} |"));
        return perCpuSecond;
    }
}
