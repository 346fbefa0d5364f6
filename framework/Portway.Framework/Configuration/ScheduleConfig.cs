using Cronos;

namespace Portway.Configuration;

/// <summary>
/// An entry of a timer interface's <c>schedules</c>: a request/response pipeline run periodically with input <c>{}</c>,
/// every <see cref="EveryMs"/> or on a cron <see cref="Cron"/> (exactly one of the two).
/// </summary>
public sealed class ScheduleConfig
{
    /// <summary>The shortest period.</summary>
    public const int MinEveryMs = 100;

    /// <summary>The longest period (one week).</summary>
    public const int MaxEveryMs = 7 * 24 * 3600 * 1000;

    private CronExpression? _cron;

    /// <summary><c>name</c> (required, unique in the interface): names the runs in logs and events.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>pipeline</c> (required): a request/response pipeline.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>every_ms</c> (100 to one week; 0 when <see cref="Cron"/> is set): the period; the first run is one period after start.</summary>
    public int EveryMs { get; set; }

    /// <summary>
    /// <c>schedule</c>: a cron expression, five fields (minute hour day-of-month month day-of-week, UTC; <c>*</c>,
    /// <c>*/n</c>, ranges, lists, <c>JAN</c>-<c>DEC</c>, <c>SUN</c>-<c>SAT</c>), or six with seconds first; "" when
    /// <see cref="EveryMs"/> is set. Runs fall on each matching time after start.
    /// </summary>
    public string Cron
    {
        get => _cron is null ? "" : CronText;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _cron = value.Length == 0 ? null : CronExpression.Parse(value, CountFields(value) == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            CronText = value;
        }
    }

    /// <summary><c>timeout_ms</c>: each run's deadline. Defaults to 30000.</summary>
    public int TimeoutMs { get; set; } = 30_000;

    private string CronText { get; set; } = "";

    /// <summary>The first time after <paramref name="after"/> that <see cref="Cron"/> matches (UTC); null without one, or when it never matches again.</summary>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after) => _cron?.GetNextOccurrence(after, TimeZoneInfo.Utc);

    /// <summary>Null when <paramref name="expression"/> is a valid cron expression, else what is wrong with it.</summary>
    public static string? CronProblem(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = CountFields(expression);
        if (fields is not (5 or 6))
        {
            return $"expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got {fields}";
        }

        try
        {
            var cron = CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return cron.GetNextOccurrence(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc) is null ? "it never matches a date" : null;
        }
        catch (CronFormatException ex)
        {
            return ex.Message;
        }
    }

    private static int CountFields(string expression) => expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
}
