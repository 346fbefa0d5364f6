using System.Text.Json;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// Voice profiles in the kv port (<c>runtime.platform.profile_store: kv</c>): one key per profile,
/// <c>voice/profiles/TENANT/PROFILE</c>, holding the same JSON document as the file store. With
/// <c>kv.backend: redis</c> every host serves the same profiles; a watch of <see cref="TenantPrefix"/> sees each
/// change (<c>voice.profile_watch</c>).
/// </summary>
internal sealed class KvVoiceProfileStore(IKvStore kv) : IVoiceProfileStore
{
    /// <summary>Where every profile key starts.</summary>
    public const string Root = "voice/profiles/";

    /// <summary>The prefix of a tenant's keys (the tenant name validated).</summary>
    public static string TenantPrefix(string tenant) => Root + VoiceProfileNames.Require(tenant, "tenant") + "/";

    /// <summary>The key of one profile (names validated).</summary>
    public static string Key(string tenant, string profile) => TenantPrefix(tenant) + VoiceProfileNames.Require(profile, "profile");

    public async ValueTask<bool> PutAsync(string tenant, string profile, IReadOnlyList<double> vector, CancellationToken cancellationToken)
    {
        if (!VoiceVector.IsValid(vector))
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"vector must have exactly {VoiceVector.Dimensions} numbers from 0 to 1");
        }

        var key = Key(tenant, profile);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new VoiceProfile(tenant, profile, [.. vector]), NodeJson.Options);
        // Exactly one writer of a new profile sees created: the create is a compare-and-set on "absent".
        if ((await kv.CompareAndSetAsync(key, 0, bytes, cancellationToken: cancellationToken).ConfigureAwait(false)).Succeeded) return true;
        await kv.SetAsync(key, bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
        return false;
    }

    public async ValueTask<double[]?> GetAsync(string tenant, string profile, CancellationToken cancellationToken)
    {
        var entry = await kv.GetAsync(Key(tenant, profile), cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Parse(entry.Value, tenant, profile).Vector;
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var prefix = TenantPrefix(tenant);
        var keys = await kv.ListKeysAsync(prefix, cancellationToken).ConfigureAwait(false);
        return keys.Select(k => k[prefix.Length..]).Where(VoiceProfileNames.IsValid).ToArray();
    }

    /// <summary>A stored document; a value that is not a valid profile is an internal error.</summary>
    public static VoiceProfile Parse(ReadOnlyMemory<byte> value, string tenant, string profile)
    {
        VoiceProfile? stored;
        try
        {
            stored = JsonSerializer.Deserialize<VoiceProfile>(value.Span, NodeJson.Options);
        }
        catch (JsonException)
        {
            stored = null;
        }

        return stored is not null && VoiceVector.IsValid(stored.Vector)
            ? stored
            : throw new PortwayException(ErrorCode.Internal, $"stored profile {tenant}/{profile} is not a valid voice profile");
    }
}
