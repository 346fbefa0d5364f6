using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>Config rules of the timer ingress (<c>kind: timer</c> with <c>schedules</c>).</summary>
public sealed class TimerConfigTests
{
    private static readonly string[] Nodes = ["sys.echo", "sys.ticks"];

    private static ConfigLoadResult Load(string interfaces) => PortwayConfigLoader.Load("""
        pipelines:
          echo:
            stages:
              - { name: echo, node: sys.echo }
          ticks:
            stages:
              - { name: ticks, node: sys.ticks }
        runtime:
          web:
            interfaces:

        """ + interfaces, "test.yaml", Nodes, ["sys.ticks"]);

    [Fact]
    public void Load_TimerSchedule_IsBoundDefaultedAndSummarized()
    {
        var result = Load("""
                  - kind: timer
                    schedules:
                      - { name: tick, pipeline: echo, every_ms: 1500 }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var iface = result.Config!.Runtime.Web.Interfaces[0];
        var schedule = Assert.Single(iface.Schedules);
        Assert.Equal(("tick", "echo", 1500, 30_000), (schedule.Name, schedule.Pipeline, schedule.EveryMs, schedule.TimeoutMs));
        Assert.Equal(["request", "response"], iface.Binds);
        Assert.Contains("interface timer binds=[request, response]\n  every 1500 ms -> echo (schedule tick, timeout_ms=30000)", ContractSummary.Render(result.Config).Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"every_ms\": 1500", ContractSummary.RenderJson(result.Config), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadSchedules_ReportEveryProblemWithItsPlace()
    {
        var result = Load("""
                  - kind: timer
                    schedules:
                      - { name: a, pipeline: nope, every_ms: 1000 }
                      - { name: a, pipeline: echo, every_ms: 5 }
                      - { name: b, pipeline: ticks, every_ms: 1000, timeout_ms: 0 }
                      - { name: c, pipeline: echo, every_ms: 1000, cron: "* * * * *" }
                      - { name: d, pipeline: echo }
            """);

        var messages = result.Problems.Select(p => $"{p.Line}: {p.Message}").ToArray();
        Assert.Contains(messages, m => m.StartsWith("13: ", StringComparison.Ordinal) && m.Contains("'nope'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("14: ", StringComparison.Ordinal) && m.Contains("schedule name 'a' is used twice", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("14: ", StringComparison.Ordinal) && m.Contains("every_ms: ", StringComparison.Ordinal) && m.Contains("got 5", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("15: ", StringComparison.Ordinal) && m.Contains("a stream pipeline", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("15: ", StringComparison.Ordinal) && m.Contains("timeout_ms: ", StringComparison.Ordinal) && m.Contains("got 0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("16: ", StringComparison.Ordinal) && m.Contains("cron", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("17: ", StringComparison.Ordinal) && m.Contains("missing required key 'every_ms'", StringComparison.Ordinal));
        Assert.True(messages.Length >= 7, string.Join("\n", messages));
    }

    [Fact]
    public void Load_TimerWithoutSchedules_OrWithEndpoints_IsAnError()
    {
        var result = Load("""
                  - kind: timer
                    endpoints:
                      - { route: "POST /x", pipeline: echo }
            """);

        Assert.Contains(result.Problems, p => p.Message.Contains("needs schedules", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CronSchedule_IsBoundAndSummarized_NextOccurrenceInUtc()
    {
        var result = Load("""
                  - kind: timer
                    schedules:
                      - { name: five, pipeline: echo, schedule: "*/5 * * * *" }
                      - { name: secs, pipeline: echo, schedule: "*/30 * * * * *" }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var five = result.Config!.Runtime.Web.Interfaces[0].Schedules[0];
        var secs = result.Config.Runtime.Web.Interfaces[0].Schedules[1];
        var at = new DateTimeOffset(2026, 1, 1, 10, 2, 0, TimeSpan.Zero);
        Assert.Equal(("*/5 * * * *", 0), (five.Cron, five.EveryMs));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 5, 0, TimeSpan.Zero), five.NextOccurrence(at));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 10, 0, TimeSpan.Zero), five.NextOccurrence(at.AddMinutes(3)));
        Assert.Equal(at.AddSeconds(30), secs.NextOccurrence(at));
        Assert.Contains("cron \"*/5 * * * *\" (UTC) -> echo (schedule five, timeout_ms=30000)", ContractSummary.Render(result.Config), StringComparison.Ordinal);
        Assert.Contains("\"schedule\": \"*/5 * * * *\"", ContractSummary.RenderJson(result.Config), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadCron_OrBothEveryAndCron_IsALocatedProblem()
    {
        var result = Load("""
                  - kind: timer
                    schedules:
                      - { name: a, pipeline: echo, schedule: "*/5 * * *" }
                      - { name: b, pipeline: echo, schedule: "61 * * * *" }
                      - { name: c, pipeline: echo, schedule: "* * 31 2 *" }
                      - { name: d, pipeline: echo, every_ms: 1000, schedule: "* * * * *" }
            """);

        var messages = result.Problems.Select(p => p.ToString()).ToArray();
        Assert.Contains(messages, m => m.StartsWith("test.yaml:13:50: schedule: '*/5 * * *' is not a cron expression: expected 5 fields", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("test.yaml:14:50: schedule: '61 * * * *' is not a cron expression", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("test.yaml:15:50: schedule: '* * 31 2 *' is not a cron expression: it never matches", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("test.yaml:16:", StringComparison.Ordinal) && m.Contains("either every_ms or schedule", StringComparison.Ordinal));
        Assert.Equal(4, messages.Length);
    }
}
