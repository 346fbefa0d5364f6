using Portway.Configuration;
using Portway.Kv;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>Picks the profile store <c>runtime.platform.profile_store</c> names.</summary>
internal static class VoiceProfileStores
{
    /// <summary><c>kv</c>: the kv port; <c>file</c> (the default): the data directory's files, with a feed for watchers.</summary>
    /// <remarks>The data directory comes from <paramref name="options"/> (the host fills it from <c>data_dir</c>).</remarks>
    public static IVoiceProfileStore For(VoiceProfileOptions options, PortwayConfig config, IKvStore kv)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(kv);
        return config.Runtime.Platform.ProfileStore == "kv"
            ? new KvVoiceProfileStore(kv)
            : new FileProfileFeed(VoiceProfileStore.For(options), kv);
    }
}
