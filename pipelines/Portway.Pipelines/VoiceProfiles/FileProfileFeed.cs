using System.Text.Json;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// The file store (<c>profile_store: file</c>) with a change feed for <c>voice.profile_watch</c>: each write goes
/// to its file, then to the same key the kv store uses (<see cref="KvVoiceProfileStore.Key"/>), so watchers of this
/// host see it. Reads are the files'. <see cref="SeedAsync"/> copies a tenant's files into the kv store before a
/// watch starts (only keys the kv store does not have yet, so a newer write is never undone).
/// </summary>
internal sealed class FileProfileFeed(VoiceProfileStore files, IKvStore kv) : IVoiceProfileStore
{
    public async ValueTask<bool> PutAsync(string tenant, string profile, IReadOnlyList<double> vector, CancellationToken cancellationToken)
    {
        var created = await files.PutAsync(tenant, profile, vector, cancellationToken).ConfigureAwait(false);
        await kv.SetAsync(KvVoiceProfileStore.Key(tenant, profile), Document(tenant, profile, [.. vector]), cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return created;
    }

    public ValueTask<double[]?> GetAsync(string tenant, string profile, CancellationToken cancellationToken) =>
        files.GetAsync(tenant, profile, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken) =>
        ValueTask.FromResult(files.List(tenant));

    /// <summary>Puts the tenant's profiles the kv store does not have yet into it.</summary>
    public async ValueTask SeedAsync(string tenant, CancellationToken cancellationToken)
    {
        foreach (var profile in files.List(tenant))
        {
            if (await files.GetAsync(tenant, profile, cancellationToken).ConfigureAwait(false) is { } vector)
            {
                await kv.CompareAndSetAsync(KvVoiceProfileStore.Key(tenant, profile), 0, Document(tenant, profile, vector), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static byte[] Document(string tenant, string profile, double[] vector) =>
        JsonSerializer.SerializeToUtf8Bytes(new VoiceProfile(tenant, profile, vector), NodeJson.Options);
}
