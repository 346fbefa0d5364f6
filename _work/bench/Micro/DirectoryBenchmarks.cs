using BenchmarkDotNet.Attributes;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Benchmarks;

/// <summary>The node directory with 100,000 registered nodes: register (an existing id again), heartbeat, discover pages.</summary>
[MemoryDiagnoser]
public class DirectoryBenchmarks
{
    private const int Count = 100_000;
    private NodeDirectoryService _directory = null!;
    private string _middle = "";
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = DirectoryNodes.Fill(Count, TimeProvider.System);
        _middle = _directory.Discover(null, null, 1000, null).Next!;
        for (var i = 0; i < 49; i++)
        {
            _middle = _directory.Discover(null, null, 1000, _middle).Next!;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _directory.Dispose();

    [Benchmark]
    public ValueTask<DirectoryNodeView> Register()
    {
        var i = _next++ % Count;
        return _directory.RegisterAsync(DirectoryNodes.Id(i), DirectoryNodes.Key(i), [DirectoryNodes.Endpoint(i)], DirectoryNodes.Capability);
    }

    [Benchmark]
    public ValueTask<DirectoryNodeView> Heartbeat() => _directory.HeartbeatAsync(DirectoryNodes.Id(_next++ % Count));

    [Benchmark]
    public object DiscoverFirstPage100() => _directory.Discover(null, null, 100, null);

    [Benchmark]
    public object DiscoverByCapabilityFirstPage100() => _directory.Discover("store", null, 100, null);

    [Benchmark]
    public object DiscoverCursorMiddle100() => _directory.Discover(null, null, 100, _middle);
}
