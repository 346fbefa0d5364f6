using BenchmarkDotNet.Attributes;
using Portway.Internal.Correlation;

namespace Portway.Benchmarks;

/// <summary>A reply waiter's life on the hot path: register (deadline, caller token), deliver the answer, complete.</summary>
[MemoryDiagnoser]
public class WaiterBenchmarks
{
    private readonly WaiterRegistry _registry = new(TimeProvider.System, "bench");
    private readonly CancellationTokenSource _caller = new();
    private readonly Envelope _answer = SampleEnvelopes.Hop(64);

    [Benchmark]
    public int RegisterAndComplete()
    {
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(30), _caller.Token);
        _answer.Kind = EnvelopeKind.Reply;
        _answer.ReplyTo = waiter.ReplyTo;
        _registry.TryDeliver(_answer);
        return (int)waiter.Task.Result.End;
    }

    [GlobalCleanup]
    public void Cleanup() => _caller.Dispose();
}
