namespace Portway.Benchmarks;

/// <summary>
/// Bytes retained per registered node in the directory's in-memory index: registers <c>count</c> nodes (an 12-char
/// id, a 44-char base64 public key, one endpoint, a capability) and compares the managed heap after a full
/// collection, before and after. The user's own server stores about 200 bytes per node.
/// </summary>
internal static class DirectoryMemory
{
    public static int Run(int count)
    {
        // Warm the types and the capability strings up first.
        using (DirectoryNodes.Fill(1000, TimeProvider.System))
        {
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var directory = DirectoryNodes.Fill(count, TimeProvider.System);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perNode = (after - before) / (double)count;
        Console.WriteLine($"nodes: {directory.Count}; bytes per node: {perNode:F0}");
        GC.KeepAlive(directory);
        return 0;
    }
}
