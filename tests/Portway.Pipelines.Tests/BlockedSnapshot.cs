using Microsoft.Extensions.Time.Testing;
using Portway.Testing;

namespace Portway.Pipelines.Tests;

/// <summary>A snapshot path whose folder is a file, so writing the snapshot fails until the file is removed.</summary>
internal sealed class BlockedSnapshot
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _inTheWay;

    private BlockedSnapshot(string inTheWay, string path)
    {
        _inTheWay = inTheWay;
        Path = path;
    }

    /// <summary><c>FOLDER/blocked/FILE</c>, where <c>FOLDER/blocked</c> is a file.</summary>
    public string Path { get; }

    public static async Task<BlockedSnapshot> CreateAsync(string folder, string fileName)
    {
        var inTheWay = System.IO.Path.Combine(folder, "blocked");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(inTheWay, "in the way");
        return new BlockedSnapshot(inTheWay, System.IO.Path.Combine(inTheWay, fileName));
    }

    /// <summary>
    /// One tick (its write fails and <paramref name="logger"/> gets <paramref name="failure"/>), then the file in the
    /// way goes, and the next tick writes the snapshot.
    /// </summary>
    public async Task FailThenWriteAsync(FakeTimeProvider clock, TimeSpan interval, RecordingLogger logger, string failure)
    {
        clock.Advance(interval);
        await Eventually.TrueAsync(() => logger.Entries.Any(e => e.Message == failure), Deadline, "the failed snapshot is logged: " + failure);
        File.Delete(_inTheWay);
        clock.Advance(interval);
        await Eventually.TrueAsync(() => File.Exists(Path), Deadline, "the snapshot is written at the next tick");
    }
}
