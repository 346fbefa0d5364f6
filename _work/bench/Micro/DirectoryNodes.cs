using Portway.Pipelines.NodeDirectory;

namespace Portway.Benchmarks;

/// <summary>What the node directory benchmarks register: ids, 32-byte public keys (base64), one endpoint, one or two capabilities.</summary>
internal static class DirectoryNodes
{
    public static readonly string[] Capability = ["relay"];
    public static readonly string[] TwoCapabilities = ["relay", "store"];

    public static string Id(int i) => "node-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    public static string Key(int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, i);
        return Convert.ToBase64String(bytes);
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
