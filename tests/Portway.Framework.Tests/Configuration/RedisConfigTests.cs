using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>runtime.platform.redis</c>: the shared connection string and key prefix, checked at load.</summary>
public sealed class RedisConfigTests
{
    private static ConfigLoadResult Load(string redis) => PortwayConfigLoader.Load($$"""
        runtime:
          platform:
            redis: {{redis}}
        pipelines:
          p:
            stages:
              - { name: core, node: sys.echo }
        """, "test.yaml", ["sys.echo"]);

    [Fact]
    public void Load_NoRedisSection_DefaultsToLocalhostAndPortway()
    {
        var config = Assert.IsType<PortwayConfig>(Load("{}").Config);

        Assert.Equal("127.0.0.1:6379", config.Runtime.Platform.Redis.Connection);
        Assert.Equal("portway", config.Runtime.Platform.Redis.KeyPrefix);
    }

    [Theory]
    [InlineData("{ connection: \"redis1:6380,password=s3cret,ssl=true\", key_prefix: shop-eu }")]
    [InlineData("{ connection: \"10.0.0.5:6379,10.0.0.6:6379,abortConnect=false\" }")]
    [InlineData("{ connection: \"[::1]:6379\", key_prefix: \"a.b:c_d\" }")]
    [InlineData("{ connection: localhost }")]
    public void Load_GoodRedisSection_IsValid(string redis)
    {
        var result = Load(redis);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Theory]
    [InlineData("{ connection: \"\" }", "connection: expected a StackExchange.Redis configuration string")]
    [InlineData("{ connection: \"redis1:notaport\" }", "connection: expected a StackExchange.Redis configuration string such as 127.0.0.1:6379 or redis1:6379,password=...,ssl=true; endpoint 'redis1:notaport' has port 'notaport'")]
    [InlineData("{ connection: \"redis1:70000\" }", "connection: expected a StackExchange.Redis configuration string such as 127.0.0.1:6379 or redis1:6379,password=...,ssl=true; endpoint 'redis1:70000' has port '70000', expected 1..65535")]
    [InlineData("{ connection: \"password=x\" }", "connection: expected a StackExchange.Redis configuration string such as 127.0.0.1:6379 or redis1:6379,password=...,ssl=true; it names no host:port endpoint")]
    [InlineData("{ key_prefix: \"has space\" }", "key_prefix: expected 1 to 64 letters, digits or '_', '-', '.', ':'")]
    [InlineData("{ key_prefix: \"\" }", "key_prefix: expected 1 to 64 letters")]
    [InlineData("{ host: redis1 }", "unknown key 'host' in runtime.platform.redis")]
    public void Load_BadRedisSection_IsOneClearProblem(string redis, string expected)
    {
        var result = Load(redis);

        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(3, problem.Line);
    }

    [Theory]
    [InlineData(null, "127.0.0.1:6379")]
    [InlineData("", "127.0.0.1:6379")]
    [InlineData("  ", "127.0.0.1:6379")]
    [InlineData("redis2:6379", "redis2:6379")]
    public void EffectiveConnection_EnvironmentWinsWhenSet(string? environment, string expected)
    {
        Assert.Equal(expected, new RedisConfig().EffectiveConnection(environment));
    }

    [Fact]
    public void Redacted_HidesThePassword()
    {
        Assert.Equal("r:1,Password=(set),ssl=true", RedisConfig.Redacted("r:1,Password=hunter2,ssl=true"));
    }

    [Fact]
    public void ContractSummary_ShowsRedisWithoutItsPassword()
    {
        var config = Assert.IsType<PortwayConfig>(Load("{ connection: \"r:1,password=hunter2\", key_prefix: eu }").Config);

        var text = ContractSummary.Render(config);
        var json = ContractSummary.RenderJson(config);

        Assert.Contains("redis.connection                    r:1,password=(set) (PORTWAY_REDIS wins when set)", text, StringComparison.Ordinal);
        Assert.Contains("redis.key_prefix                    eu", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text + json, StringComparison.Ordinal);
        Assert.Contains("\"key_prefix\": \"eu\"", json, StringComparison.Ordinal);
    }
}
