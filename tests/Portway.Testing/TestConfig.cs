using Portway.Configuration;

namespace Portway.Testing;

/// <summary>Loads test configs through the real loader; any problem fails the test with all of them.</summary>
public static class TestConfig
{
    /// <summary>Every node the host knows: built-in and the example pipelines'.</summary>
    public static IReadOnlyCollection<string> KnownNodes => Portway.Host.KnownNodes.Names;

    /// <summary>Loads <paramref name="yaml"/>; <paramref name="extraNodes"/> are test-only node names the config may use.</summary>
    public static PortwayConfig Load(string yaml, params string[] extraNodes)
    {
        var result = PortwayConfigLoader.Load(yaml, "test.yaml", [.. KnownNodes, .. extraNodes], Portway.Host.KnownNodes.StreamNames, Portway.Host.KnownNodes.KvStreamNames);
        return result.Config ?? throw new InvalidOperationException("test config is invalid:\n" + string.Join("\n", result.Problems));
    }

    /// <summary>Loads a file of the repository's <c>config/</c> folder.</summary>
    public static PortwayConfig LoadRepoFile(string name)
    {
        var result = PortwayConfigLoader.LoadFile(RepoPaths.Config(name), KnownNodes, Portway.Host.KnownNodes.StreamNames, Portway.Host.KnownNodes.KvStreamNames);
        return result.Config ?? throw new InvalidOperationException($"config/{name} is invalid:\n" + string.Join("\n", result.Problems));
    }
}
