using System.Security.Cryptography;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Benchmarks;

/// <summary>
/// What the node directory benchmarks register: ids, real ECDSA P-256 public keys (64 of them, node i has key i % 64;
/// each registration stores its own 91-byte copy, as distinct keys would), one endpoint, one or two capabilities.
/// </summary>
internal static class DirectoryNodes
{
    public static readonly string[] Capability = ["relay"];
    public static readonly string[] TwoCapabilities = ["relay", "store"];

    private static readonly ECDsa[] Keys = Enumerable.Range(0, 64).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToArray();
    private static readonly string[] PublicKeys = Keys.Select(k => Convert.ToBase64String(k.ExportSubjectPublicKeyInfo())).ToArray();

    public static string Id(int i) => "node-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    public static string Key(int i) => PublicKeys[i % PublicKeys.Length];

    /// <summary>The proof node <paramref name="i"/> sends for <paramref name="op"/> at <paramref name="now"/> (as the README says a node signs).</summary>
    public static NodeProof Proof(int i, string op, DateTimeOffset now)
    {
        var ts = now.ToUnixTimeSeconds();
        return new NodeProof(ts, Convert.ToBase64String(Keys[i % Keys.Length].SignData(NodeSignature.Message(op, Id(i), ts), HashAlgorithmName.SHA256)));
    }

    public static string Endpoint(int i) => $"https://10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:7000";

    public static NodeDirectoryService Fill(int count, TimeProvider time)
    {
        var directory = new NodeDirectoryService(new MemoryDirectoryStore(), DirectoryKey.CreateEphemeral(), time);
        for (var i = 0; i < count; i++)
        {
            // The memory store answers synchronously: the ValueTask is already complete.
            _ = directory.RegisterAsync(Id(i), Key(i), [Endpoint(i)], i % 10 == 0 ? TwoCapabilities : Capability).Result;
        }

        return directory;
    }
}
