using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>A directory in memory on a fake clock, with an ephemeral key; nodes registered with <see cref="Key"/> and signing with it.</summary>
internal sealed class DirectoryFixture : IDisposable
{
    /// <summary>The nodes' public key (base64 DER, as the directory stores it).</summary>
    public static readonly string Key = DirectoryNodeKey.Shared.PublicKey;

    /// <summary>Another valid public key.</summary>
    public static readonly string OtherKey = DirectoryNodeKey.Other.PublicKey;

    public DirectoryFixture(DirectoryLifecycle? lifecycle = null)
    {
        Directory = new NodeDirectoryService(Store, DirectoryKey.CreateEphemeral(), Clock, lifecycle);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public MemoryDirectoryStore Store { get; } = new();

    public NodeDirectoryService Directory { get; }

    /// <summary>The proof a node signed with <see cref="Key"/> sends for <paramref name="op"/> now.</summary>
    public static NodeProof Proof(TimeProvider clock, string op, string id)
    {
        var (ts, sig) = DirectoryNodeKey.Shared.Proof(op, id, clock.GetUtcNow());
        return new NodeProof(ts, sig);
    }

    public ValueTask<DirectoryNodeView> RegisterAsync(string id, params string[] capabilities) =>
        Directory.RegisterAsync(id, Key, ["https://" + id + ".example:443"], capabilities);

    /// <summary>A heartbeat signed with <see cref="Key"/>.</summary>
    public ValueTask<DirectoryNodeView> HeartbeatAsync(string id) => Directory.HeartbeatAsync(id, Proof(Clock, "heartbeat", id));

    /// <summary>A token request signed with <see cref="Key"/>.</summary>
    public ValueTask<(string Token, DateTimeOffset ExpiresAt)> IssueTokenAsync(string id) => Directory.IssueTokenAsync(id, Proof(Clock, "token", id));

    public void Dispose() => Directory.Dispose();
}
