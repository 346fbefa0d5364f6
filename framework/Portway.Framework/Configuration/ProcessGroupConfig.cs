namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.platform.process_groups</c>.</summary>
public sealed class ProcessGroupConfig
{
    /// <summary>The name of the web group, the host process itself.</summary>
    public const string WebGroup = "web";

    /// <summary><c>name</c> (required).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>stages</c>: stage names (or <c>pipeline.stage</c>) this group runs. Defaults to none.</summary>
    public List<string> Stages { get; set; } = [];

    /// <summary>
    /// <c>replicas</c>: child processes for a non-web group. Defaults to 1. 0 (transport redis only): the host starts
    /// none, standalone workers (<c>portway worker --group NAME</c>) serve the group.
    /// </summary>
    public int Replicas { get; set; } = 1;
}
