using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Host;

/// <summary>The example pipelines' options, filled from the config the host loaded (wiring only).</summary>
internal static class PipelineSettings
{
    /// <summary>The voice-profile store's data directory: <c>runtime.platform.data_dir</c>, which <c>PORTWAY_DATA_DIR</c> already overrode.</summary>
    public static IPortwayBuilder AddPipelineSettings(this IPortwayBuilder builder, PortwayConfig config)
    {
        builder.Services.Configure<VoiceProfileOptions>(o =>
        {
            if (!string.IsNullOrWhiteSpace(config.Runtime.Platform.DataDir))
            {
                o.DataDir = config.Runtime.Platform.DataDir;
            }
        });
        return builder;
    }
}
