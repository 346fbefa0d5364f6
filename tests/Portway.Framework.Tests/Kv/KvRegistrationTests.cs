using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Kv;
using Portway.Kv;

namespace Portway.Framework.Tests.Kv;

/// <summary><c>runtime.platform.kv.backend</c>: what each value does.</summary>
public sealed class KvRegistrationTests
{
    [Fact]
    public void AddPortway_MemoryBackend_RegistersOneMemoryStore()
    {
        var config = Load("runtime: { platform: { kv: { backend: memory } } }");
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddPortway(config!);
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IKvStore>();
        Assert.IsType<MemoryKvStore>(store);
        Assert.Same(store, provider.GetRequiredService<IKvStore>());
    }

    [Fact]
    public void Load_RedisBackend_NotInThisBuild_IsAProblemAtTheValue()
    {
        var result = PortwayConfigLoader.Load("runtime:\n  platform:\n    kv: { backend: redis }\n", "test.yaml", ["sys.echo"]);
        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((3, 20), (problem.Line, problem.Column));
        Assert.Contains("kv.backend: 'redis' is not available", problem.Message, StringComparison.Ordinal);
    }

    private static PortwayConfig? Load(string yaml)
    {
        var result = PortwayConfigLoader.Load(yaml, "test.yaml", ["sys.echo"]);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
