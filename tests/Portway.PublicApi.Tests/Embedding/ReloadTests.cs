using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Egress;

namespace Portway.PublicApi.Tests.Embedding;

/// <summary>Config reload in an app of your own: valid, invalid (last good keeps serving), in flight, under load, on a file change.</summary>
public sealed class ReloadTests : IDisposable
{
    private const string Base = """
        runtime:
          web:
            interfaces:
              - kind: http
                binds: [request, response]
                endpoints:
                  - { route: "POST /greet", pipeline: greet }
                  - { route: "POST /slow", pipeline: slow, timeout_ms: 20000 }
        pipelines:
          slow: { stages: [ { name: wait, node: SLOW } ] }
          greet: { stages: [ { name: greet, node: GREET } ] }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("portway-reload-").FullName;

    private string Path => System.IO.Path.Combine(_folder, "portway.yaml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string greetNode, string slowNode = "sys.delay") =>
        File.WriteAllText(Path, Base.Replace("GREET", greetNode, StringComparison.Ordinal).Replace("SLOW", slowNode, StringComparison.Ordinal));

    private Task<EmbeddedApp> StartAsync(bool watch = false) => EmbeddedApp.StartAsync(o =>
    {
        o.ConfigFile = Path;
        o.ReloadOnChange = watch;
    }, p => p.AddNode<GreetNode>().AddNode<WhoNode>());

    private static async Task<JsonElement> GreetAsync(EmbeddedApp app)
    {
        var response = await app.Client.PostAsJsonAsync("/greet", new { name = "r" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> StatsConfigAsync(EmbeddedApp app) =>
        (await app.Client.GetFromJsonAsync<JsonElement>(new Uri("/stats", UriKind.Relative))).GetProperty("config");

    [Fact]
    public async Task ValidFile_NewPipelinesServeAndStatsShowTheVersion()
    {
        Write("app.greet");
        await using var app = await StartAsync();
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();
        Assert.True((await GreetAsync(app)).TryGetProperty("greeting", out _));
        var before = await StatsConfigAsync(app);

        Write("app.who");
        var result = reloader.Reload();

        Assert.True(result.Applied, string.Join("\n", result.Problems));
        Assert.Equal(2, result.Version);
        Assert.True((await GreetAsync(app)).TryGetProperty("subject", out _)); // the greet pipeline now runs app.who
        var after = await StatsConfigAsync(app);
        Assert.Equal(1, before.GetProperty("version").GetInt64());
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        Assert.True(after.GetProperty("loaded_at").GetDateTimeOffset() >= before.GetProperty("loaded_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task InvalidFile_ReportedWithPosition_LastGoodKeepsServing()
    {
        Write("app.greet");
        await using var app = await StartAsync();
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();

        Write("app.nope");
        var result = reloader.Reload();

        Assert.False(result.Applied);
        Assert.Equal(1, result.Version);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((Path, 11), (problem.File, problem.Line));
        Assert.Contains("unknown node 'app.nope'", problem.Message, StringComparison.Ordinal);
        Assert.True((await GreetAsync(app)).TryGetProperty("greeting", out _));
        Assert.Equal(1, (await StatsConfigAsync(app)).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task RequestInFlight_FinishesOnTheVersionItStartedWith()
    {
        Write("app.greet", slowNode: "sys.delay");
        await using var app = await StartAsync();
        var status = app.App.Services.GetRequiredService<IPortwayStatus>();
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();

        var inFlight = app.Client.PostAsJsonAsync("/slow", new { ms = 1500, tag = "v1" });
        await NdjsonTcp.NdjsonTcpIngressTests.WaitAsync(() => status.PendingCalls == 1, "the slow request in flight");
        Write("app.greet", slowNode: "sys.fail");
        Assert.True(reloader.Reload().Applied);

        var finished = await inFlight;
        var next = await app.Client.PostAsJsonAsync("/slow", new { ms = 1500, tag = "v2" });

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("v1", (await finished.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tag").GetString());
        Assert.Equal(HttpStatusCode.InternalServerError, next.StatusCode); // sys.fail without a code: internal
    }

    [Fact]
    public async Task ReloadsUnderLoad_NoRequestFails()
    {
        Write("app.greet");
        await using var app = await StartAsync();
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await app.Client.PostAsJsonAsync("/greet", new { name = "load" });
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
                Interlocked.Increment(ref served);
            }
        })).ToArray();

        for (var i = 0; i < 10; i++)
        {
            await NdjsonTcp.NdjsonTcpIngressTests.WaitAsync(() => Volatile.Read(ref served) >= (i + 1) * 20, "requests between reloads");
            Write(i % 2 == 0 ? "app.who" : "app.greet");
            Assert.True(reloader.Reload().Applied);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(11, reloader.Version);
        Assert.True(served >= 200);
        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task ValidFile_DashboardSnapshotDrawsThePipelinesServingNow()
    {
        Write("app.greet");
        await using var app = await StartAsync();
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();

        Write("app.who");
        Assert.True(reloader.Reload().Applied);

        var snapshot = await app.Client.GetFromJsonAsync<JsonElement>(new Uri("/dashboard/snapshot", UriKind.Relative));
        var greet = snapshot.GetProperty("pipelines").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "greet");
        Assert.Equal("app.who", greet.GetProperty("stages")[0].GetProperty("node").GetString());
        Assert.Same(reloader.Current, reloader.Current);
        Assert.Equal("app.who", reloader.Current.Pipelines["greet"].Stages[0].Node);
    }

    [Fact]
    public async Task AddedEgress_IsRefusedAsNeedingARestart_NothingChanges()
    {
        Write("app.greet");
        await using var app = await EmbeddedApp.StartAsync(o => o.ConfigFile = Path, p => p.AddNode<GreetNode>().AddNode<WhoNode>().AddPortwayEgress());
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();
        var invoker = app.App.Services.GetRequiredService<IPortwayInvoker>();

        // An outbound client and a pipeline calling it: the clients are built at startup, so this waits for a restart.
        File.WriteAllText(Path, File.ReadAllText(Path)
            .Replace("runtime:\n", "runtime:\n  egress:\n    http:\n      - { name: hooks, base_url: \"http://127.0.0.1:9/\" }\n", StringComparison.Ordinal)
            .Replace("pipelines:\n", "pipelines:\n  notify: { stages: [ { name: call, node: sys.http_call, with: { egress: hooks, path: /hook } } ] }\n", StringComparison.Ordinal));
        var result = reloader.Reload();

        Assert.False(result.Applied);
        Assert.Equal(1, result.Version);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("runtime.egress changed: that needs a restart", problem.Message, StringComparison.Ordinal);
        Assert.Equal(PipelineKind.NotFound, invoker.GetPipelineKind("notify"));
        Assert.Empty(reloader.Current.Runtime.Egress.Http);
        Assert.True((await GreetAsync(app)).TryGetProperty("greeting", out _));
        Assert.Equal(1, (await StatsConfigAsync(app)).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task ReloadOnChange_AFileChangeReloads()
    {
        Write("app.greet");
        await using var app = await StartAsync(watch: true);
        var reloader = app.App.Services.GetRequiredService<IPortwayConfigReloader>();

        Write("app.who");

        await NdjsonTcp.NdjsonTcpIngressTests.WaitAsync(() => reloader.Version >= 2, "the file change reloaded the config");
        Assert.True((await GreetAsync(app)).TryGetProperty("subject", out _));
    }
}
