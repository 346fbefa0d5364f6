using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>A directory in memory on a fake clock, with an ephemeral key.</summary>
internal sealed class DirectoryFixture : IDisposable
{
    public const string Key = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----";

    public DirectoryFixture(DirectoryLifecycle? lifecycle = null)
    {
        Directory = new NodeDirectoryService(Store, DirectoryKey.CreateEphemeral(), Clock, lifecycle);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public MemoryDirectoryStore Store { get; } = new();

    public NodeDirectoryService Directory { get; }

    public ValueTask<DirectoryNodeView> RegisterAsync(string id, params string[] capabilities) =>
        Directory.RegisterAsync(id, Key, ["https://" + id + ".example:443"], capabilities);

    public void Dispose() => Directory.Dispose();
}
