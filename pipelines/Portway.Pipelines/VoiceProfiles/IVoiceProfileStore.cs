namespace Portway.Pipelines.VoiceProfiles;

/// <summary>Where voice profiles are kept: files (<see cref="VoiceProfileStore"/>) or the kv port (<see cref="KvVoiceProfileStore"/>).</summary>
internal interface IVoiceProfileStore
{
    /// <summary>Stores <paramref name="vector"/> as <paramref name="tenant"/>/<paramref name="profile"/>. True when the profile is new.</summary>
    ValueTask<bool> PutAsync(string tenant, string profile, IReadOnlyList<double> vector, CancellationToken cancellationToken);

    /// <summary>The stored vector, or null when the profile (or the tenant) does not exist.</summary>
    ValueTask<double[]?> GetAsync(string tenant, string profile, CancellationToken cancellationToken);

    /// <summary>The tenant's profile names, ordinal-sorted; empty for an unknown tenant.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken);
}
