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

    /// <summary>The <c>PORTWAY_JWT_SECRET</c> tests use for config/redis.yaml (<c>hs256_secret_env</c>) when the environment sets none.</summary>
    public const string RedisJwtSecret = "test-redis-jwt-secret-0123456789abcdefgh";

    /// <summary>Loads a file of the repository's <c>config/</c> folder (config/redis.yaml with a <c>PORTWAY_JWT_SECRET</c>, see <see cref="EnsureJwtSecret"/>).</summary>
    public static PortwayConfig LoadRepoFile(string name)
    {
        EnsureJwtSecret();
        var result = PortwayConfigLoader.LoadFile(RepoPaths.Config(name), KnownNodes, Portway.Host.KnownNodes.StreamNames, Portway.Host.KnownNodes.KvStreamNames);
        return result.Config ?? throw new InvalidOperationException($"config/{name} is invalid:\n" + string.Join("\n", result.Problems));
    }

    /// <summary>
    /// config/redis.yaml reads its HS256 secret from <c>PORTWAY_JWT_SECRET</c> (as its README section exports it);
    /// sets <see cref="RedisJwtSecret"/> in this process when the variable is unset, so the file loads.
    /// </summary>
    public static void EnsureJwtSecret()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PORTWAY_JWT_SECRET")))
        {
            Environment.SetEnvironmentVariable("PORTWAY_JWT_SECRET", RedisJwtSecret);
        }
    }
}
