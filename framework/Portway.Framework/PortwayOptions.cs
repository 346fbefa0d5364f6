using Microsoft.Extensions.Configuration;

namespace Portway;

/// <summary>
/// Where <c>AddPortway(o =&gt; ...)</c> reads its YAML from: exactly one of <see cref="ConfigFile"/>, <see cref="Yaml"/>
/// or <see cref="Configuration"/>. The node names it may use are the ones registered once with <c>AddNode&lt;T&gt;()</c> /
/// <c>AddNodesFrom(assembly)</c> (and the built-in <c>sys.*</c>); an unknown one stops startup with FILE:LINE:COL.
/// </summary>
public sealed class PortwayOptions
{
    /// <summary>A YAML file; a relative path is taken against <see cref="BaseDirectory"/>.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>YAML text (reported as <see cref="SourceName"/>).</summary>
    public string? Yaml { get; set; }

    /// <summary>
    /// A configuration section holding the same tree as the YAML (e.g. <c>builder.Configuration.GetSection("Portway")</c>
    /// from appsettings.json: <c>{"runtime": {...}, "pipelines": {...}}</c>). Problems name the section's key path.
    /// </summary>
    public IConfiguration? Configuration { get; set; }

    /// <summary>What problems in <see cref="Yaml"/> are reported under. Defaults to <c>portway.yaml</c>.</summary>
    public string SourceName { get; set; } = "portway.yaml";

    /// <summary>The folder a relative <see cref="ConfigFile"/> is read from. Defaults to the current directory.</summary>
    public string? BaseDirectory { get; set; }

    /// <summary>
    /// Reload when <see cref="ConfigFile"/> changes, and on SIGHUP (see <see cref="IPortwayConfigReloader"/>). Defaults to
    /// false (an app of your own decides; <see cref="IPortwayConfigReloader.Reload"/> works either way for a file).
    /// </summary>
    public bool ReloadOnChange { get; set; }
}
