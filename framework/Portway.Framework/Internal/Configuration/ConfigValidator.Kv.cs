using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>The kv backends this build can run (<c>runtime.platform.kv.backend</c>).</summary>
    internal static readonly string[] ImplementedKvBackends = ["memory", "redis"];

    /// <summary><c>kv.backend</c> names a backend that runs: a value with nothing behind it stops the config.</summary>
    private void ValidateKv(PortwayConfig config)
    {
        var kv = config.Runtime.Platform.Kv;
        if (kv.Backend.Length > 0 && ConfigSchema.KvBackends.Contains(kv.Backend, StringComparer.Ordinal)
            && !ImplementedKvBackends.Contains(kv.Backend, StringComparer.Ordinal))
        {
            _diagnostics.Report(_map.At(kv, "backend"),
                $"kv.backend: '{kv.Backend}' is not available in this build; use {string.Join(" or ", ImplementedKvBackends)}");
        }

        // profile_store: kv on the memory backend keeps the profiles in the host's memory: a stage in a child process
        // (tcp_local or redis worker) has its own, empty memory and would not see them.
        var platform = config.Runtime.Platform;
        if (platform.ProfileStore == "kv" && kv.Backend == "memory" && platform.ExecutionIpc.Transport != "memory" && _map.Has(platform, "profile_store"))
        {
            var remote = platform.ProcessGroups.Where(g => g.Name.Length > 0 && g.Name != ProcessGroupConfig.WebGroup && StagesOf(config, g).Count > 0).Select(g => g.Name).ToList();
            if (remote.Count > 0)
            {
                _diagnostics.Report(_map.At(platform, "profile_store"),
                    $"profile_store: kv with kv.backend memory keeps the profiles in the host's memory, which the stages of process group(s) {string.Join(", ", remote.Select(r => $"'{r}'"))} cannot see from their own processes; use kv.backend redis (shared by every process), profile_store file, or run those stages in the web group");
            }
        }
    }
}
