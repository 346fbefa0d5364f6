using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines.Tests.VoiceProfiles;

namespace Portway.Pipelines.Tests;

public sealed class PipelineNodesTests
{
    private static readonly string[] VoiceNodes =
        ["voice.compare", "voice.extract", "voice.profile_get", "voice.profile_list", "voice.profile_put"];

    [Fact]
    public void Discovery_FindsTheVoiceProfileNodes()
    {
        var names = NodeDiscovery.FromAssembly(PipelineNodes.Assembly).Select(r => r.Name).ToArray();

        Assert.All(VoiceNodes, name => Assert.Contains(name, names));
    }

    [Fact]
    public async Task ActivatorUtilities_CreatesEveryVoiceNodeFromConfigTimeProviderAndKv_AndTheyShareTheDataDir()
    {
        using var dir = new TempDataDir();
        using var services = new ServiceCollection()
            .Configure<Portway.Pipelines.VoiceProfiles.VoiceProfileOptions>(o => o.DataDir = dir.DataDir)
            .AddSingleton(new PortwayConfig()) // its data_dir is not what the store uses: options are
            .AddSingleton(TimeProvider.System)
            .AddSingleton<Portway.Kv.IKvStore>(new Portway.Internal.Kv.MemoryKvStore(TimeProvider.System))
            .BuildServiceProvider();
        var nodes = NodeDiscovery.FromAssembly(PipelineNodes.Assembly)
            .Where(r => VoiceNodes.Contains(r.Name))
            .ToDictionary(r => r.Name, r => (INode)ActivatorUtilities.CreateInstance(services, r.NodeType));

        await NodeCall.OkAsync(nodes["voice.profile_put"], new { tenant = "acme", profile = "alice", vector = new double[8] });
        var got = await NodeCall.OkAsync(nodes["voice.profile_get"], new { tenant = "acme", profile = "alice" });

        Assert.Equal(5, nodes.Count);
        Assert.Equal(new double[8], NodeCall.Vector(got.GetProperty("vector")));
        Assert.True(File.Exists(Path.Combine(dir.DataDir, "acme", "alice.json"))); // options decide, never the environment
    }
}
