using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>runtime.web.dashboard</c>: on by default at <c>/dashboard</c>, switchable and movable; only <c>enabled</c> and <c>path</c> are accepted, and its routes are claimed.</summary>
public sealed class DashboardConfigTests
{
    private const string Echo = """
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", ["sys.echo"]);

    [Fact]
    public void Load_Default_DashboardOnAtSlashDashboard()
    {
        var result = Load(Echo);

        Assert.Equal(("/dashboard", true), (result.Config!.Runtime.Web.Dashboard.Path, result.Config.Runtime.Web.Dashboard.Enabled));
    }

    [Fact]
    public void Load_Dashboard_BindsEnabledAndPath()
    {
        var result = Load("""
            runtime:
              web:
                dashboard: { enabled: false, path: /ops/board }
            """ + "\n" + Echo);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(("/ops/board", false), (result.Config!.Runtime.Web.Dashboard.Path, result.Config.Runtime.Web.Dashboard.Enabled));
    }

    [Fact]
    public void Load_BadDashboard_ReportsEachProblemWithItsPosition()
    {
        var result = Load("""
            runtime:
              web:
                dashboard:
                  enabled: maybe
                  path: "no-slash"
                  refresh_ms: 500
            """ + "\n" + Echo);

        Assert.Null(result.Config);
        var messages = result.Problems.Select(p => $"{p.Line}:{p.Column}: {p.Message}").ToArray();
        Assert.Contains(messages, m => m.StartsWith("4:16: enabled: expected true or false", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("5:13: path: malformed path 'no-slash'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("6:7: unknown key 'refresh_ms' in runtime.web.dashboard", StringComparison.Ordinal));
        Assert.Equal(3, messages.Length);
    }

    [Fact]
    public void Load_EndpointOnADashboardRoute_IsADuplicateRoute_UnlessTheDashboardIsOff()
    {
        const string Taken = """
            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "GET /dashboard/snapshot", pipeline: echo }
            """;

        var problem = Assert.Single(Load(Taken + "\n" + Echo).Problems);
        Assert.StartsWith("duplicate route 'GET /dashboard/snapshot': the built-in dashboard endpoint (runtime.web.dashboard) already takes", problem.Message, StringComparison.Ordinal);
        Assert.True(Load(Taken.Replace("    interfaces:", "    dashboard: { enabled: false }\n    interfaces:", StringComparison.Ordinal) + "\n" + Echo).IsValid);
    }

    [Fact]
    public void Combine_RootPath_GivesOneSlash()
    {
        Assert.Equal("/events", DashboardRoutes.Combine("/", DashboardRoutes.Events));
        Assert.Equal("/ops/board/snapshot", DashboardRoutes.Combine("/ops/board/", DashboardRoutes.Snapshot));
    }
}
