namespace Portway.Configuration;

/// <summary>An entry of a timer interface's <c>schedules</c>: a request/response pipeline run periodically with input <c>{}</c>.</summary>
public sealed class ScheduleConfig
{
    /// <summary>The shortest period.</summary>
    public const int MinEveryMs = 100;

    /// <summary>The longest period (one week).</summary>
    public const int MaxEveryMs = 7 * 24 * 3600 * 1000;

    /// <summary><c>name</c> (required, unique in the interface): names the runs in logs and events.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>pipeline</c> (required): a request/response pipeline.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>every_ms</c> (required, 100 to one week): the period; the first run is one period after start.</summary>
    public int EveryMs { get; set; }

    /// <summary><c>timeout_ms</c>: each run's deadline. Defaults to 30000.</summary>
    public int TimeoutMs { get; set; } = 30_000;
}
