namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// Settings of the voice-profile nodes (options pattern: <c>services.Configure&lt;VoiceProfileOptions&gt;(...)</c>). The
/// Portway host fills them from <c>runtime.platform.data_dir</c> (which <c>PORTWAY_DATA_DIR</c> overrides).
/// </summary>
public sealed class VoiceProfileOptions
{
    /// <summary>Where profiles are stored (<c>DATA_DIR/TENANT/PROFILE.json</c>); relative to the current directory. Defaults to <c>./data</c>.</summary>
    public string DataDir { get; set; } = "./data";
}
