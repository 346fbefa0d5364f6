using BenchmarkDotNet.Attributes;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines;

namespace Portway.Benchmarks;

/// <summary>Loading the default config (config/runtime.yaml): parse, bind, validate, normalize.</summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string _yaml = "";
    private string[] _known = [];

    [GlobalSetup]
    public void Setup()
    {
        using var stream = typeof(ConfigBenchmarks).Assembly.GetManifestResourceStream("Portway.Benchmarks.runtime.yaml")!;
        using var reader = new StreamReader(stream);
        _yaml = reader.ReadToEnd();
        _known = NodeDiscovery.BuiltIn.Concat(NodeDiscovery.FromAssembly(PipelineNodes.Assembly)).Select(r => r.Name).Distinct().ToArray();
    }

    [Benchmark]
    public PortwayConfig? LoadDefaultConfig() => PortwayConfigLoader.Load(_yaml, "config/runtime.yaml", _known).Config;
}
