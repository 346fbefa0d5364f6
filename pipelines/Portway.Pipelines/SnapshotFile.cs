using System.Text.Json;

namespace Portway.Pipelines;

/// <summary>
/// Writes a pipeline's snapshot (the batches', the node directory's) whole or not at all: JSON into a temporary file in
/// the same folder, flushed to disk, then renamed over <c>path</c>; a reader sees the old snapshot or the new one.
/// </summary>
internal static class SnapshotFile
{
    public static async Task WriteAsync<T>(string path, T value, JsonSerializerOptions options)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(stream, value, options).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
