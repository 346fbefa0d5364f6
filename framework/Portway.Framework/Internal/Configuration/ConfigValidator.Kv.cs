using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>The kv backends this build can run (<c>runtime.platform.kv.backend</c>).</summary>
    internal static readonly string[] ImplementedKvBackends = ["memory"];

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
    }
}
