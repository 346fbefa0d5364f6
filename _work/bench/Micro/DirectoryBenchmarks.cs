using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Benchmarks;

/// <summary>
/// The node directory with 100,000 registered nodes: register (an existing id again), heartbeat (signed: the node's
/// signing is measured on its own, <see cref="SignOnly"/>, so heartbeat minus it is the directory's cost), discover pages.
/// The clock is fake and moves 15 ms per heartbeat so the replay guard forgets signatures as it would in 10 minutes.
/// </summary>
[MemoryDiagnoser]
public class DirectoryBenchmarks
{
    private const int Count = 100_000;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private NodeDirectoryService _directory = null!;
    private string _middle = "";
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = DirectoryNodes.Fill(Count, _clock);
        _middle = _directory.Discover(null, null, 1000, null).Next!;
        for (var i = 0; i < 49; i++)
        {
            _middle = _directory.Discover(null, null, 1000, _middle).Next!;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _directory.Dispose();

    [Benchmark]
    public object Register()
    {
        var i = _next++ % Count;
        return _directory.RegisterAsync(DirectoryNodes.Id(i), DirectoryNodes.Key(i), [DirectoryNodes.Endpoint(i)], DirectoryNodes.Capability).Result;
    }

    [Benchmark]
    public object Heartbeat()
    {
        var i = _next++ % Count;
        _clock.Advance(TimeSpan.FromMilliseconds(15));
        return _directory.HeartbeatAsync(DirectoryNodes.Id(i), DirectoryNodes.Proof(i, "heartbeat", _clock.GetUtcNow())).Result;
    }

    [Benchmark]
    public object SignOnly() => DirectoryNodes.Proof(_next++ % Count, "heartbeat", _clock.GetUtcNow());

    [Benchmark]
    public object DiscoverFirstPage100() => _directory.Discover(null, null, 100, null);

    [Benchmark]
    public object DiscoverByCapabilityFirstPage100() => _directory.Discover("store", null, 100, null);

    [Benchmark]
    public object DiscoverCursorMiddle100() => _directory.Discover(null, null, 100, _middle);
}
