using System.Text.Json;
using Portway.Kv;

namespace Portway.Pipelines;

/// <summary>
/// A pipeline's snapshot (the batches', the node directory's): written whole or not at all (JSON into a temporary
/// file in the same folder, flushed to disk, then renamed over <c>path</c>; a reader sees the old snapshot or the new
/// one), and read back at start record by record (<see cref="LoadAsync"/>).
/// </summary>
internal static class SnapshotFile
{
    /// <summary>
    /// The records a pipeline kept: from the snapshot at <paramref name="path"/> when there is one (each also written
    /// back into <paramref name="kv"/> under <paramref name="keyPrefix"/> + its id, as the memory kv starts empty), else
    /// from the kv's keys under <paramref name="keyPrefix"/>. A record that does not read as a <typeparamref name="T"/>
    /// (another or an older format) or that <paramref name="check"/> refuses (it answers the reason, or null) is left
    /// out and reported to <paramref name="skipped"/> (where, reason); the others load. A snapshot that is not a JSON
    /// array at all throws, naming the file.
    /// </summary>
    public static async Task<List<T>> LoadAsync<T>(
        string? path, IKvStore kv, string keyPrefix, Func<T, string> idOf, JsonSerializerOptions options,
        Func<T, string?> check, Action<string, string> skipped, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(kv);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(skipped);
        var records = new List<T>();
        if (path is not null && File.Exists(path))
        {
            using var document = Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var where = $"{path} [{index++}]{IdOf(element)}";
                if (Read(where, element, options, check, skipped) is { } record)
                {
                    records.Add(record);
                    await kv.SetAsync(keyPrefix + idOf(record), JsonSerializer.SerializeToUtf8Bytes(record, options), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }

            return records;
        }

        foreach (var key in await kv.ListKeysAsync(keyPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (await kv.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(stored.Value);
            }
            catch (JsonException ex)
            {
                skipped($"kv key {key}", "not JSON: " + ex.Message);
                continue;
            }

            using (document)
            {
                if (Read($"kv key {key}", document.RootElement, options, check, skipped) is { } record)
                {
                    records.Add(record);
                }
            }
        }

        return records;
    }

    private static T? Read<T>(string where, JsonElement element, JsonSerializerOptions options, Func<T, string?> check, Action<string, string> skipped)
        where T : class
    {
        T? record;
        try
        {
            record = element.Deserialize<T>(options);
        }
        catch (JsonException ex)
        {
            skipped(where, ex.Message);
            return null;
        }

        var problem = record is null ? "it is null" : check(record);
        if (problem is not null)
        {
            skipped(where, problem);
            return null;
        }

        return record;
    }

    private static JsonDocument Parse(byte[] bytes, string path)
    {
        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new InvalidDataException($"snapshot {path} is not a JSON array of records; move it away to start without it");
    }

    /// <summary>The record's <c>id</c>, when it has a text one, for the log: <c> (id X)</c>.</summary>
    private static string IdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? $" (id {id.GetString()})" : "";

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
