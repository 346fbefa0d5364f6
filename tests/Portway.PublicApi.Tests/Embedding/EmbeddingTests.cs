using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Http;
using Portway.Configuration;

namespace Portway.PublicApi.Tests.Embedding;

/// <summary>Portway inside a user's own ASP.NET Core app: AddPortway(o => ...), nodes registered once, MapPortway().</summary>
public sealed class EmbeddingTests : IDisposable
{
    public const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: http
                binds: [request, response]
                endpoints:
                  - { route: "POST /greet", pipeline: greet }
                  - { route: "POST /who", pipeline: who }
        pipelines:
          greet: { stages: [ { name: greet, node: app.greet } ] }
          who: { stages: [ { name: who, node: app.who } ] }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("portway-embed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteConfig(string yaml, string name = "portway.yaml")
    {
        File.WriteAllText(Path.Combine(_folder, name), yaml);
        return name;
    }

    private static void Nodes(IPortwayBuilder portway) => portway.AddNode<GreetNode>().AddNode<WhoNode>();

    [Fact]
    public async Task ConfigFile_NodesRegisteredOnce_ServedOverHttp()
    {
        var file = WriteConfig(Yaml);
        await using var app = await EmbeddedApp.StartAsync(o => { o.ConfigFile = file; o.BaseDirectory = _folder; }, Nodes);

        var response = await app.Client.PostAsJsonAsync("/greet", new { name = "ada" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("hello, ada", body.GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task ScopedDependency_OnePerInvocation_DisposedAfterEach()
    {
        await using var app = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes);
        var ledger = app.App.Services.GetRequiredService<ScopedLedger>();
        ledger.Created.Clear(); // the startup check built each node once
        ledger.Disposed.Clear();

        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var body = await (await app.Client.PostAsJsonAsync("/greet", new { name = "x" })).Content.ReadFromJsonAsync<JsonElement>();
            ids.Add(body.GetProperty("scoped_id").GetGuid());
        }

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids, ledger.Created);
        Assert.Equal(ids.Order(), ledger.Disposed.Order());
    }

    [Fact]
    public async Task UnknownNode_StartupFailsWithFileLineColumn()
    {
        var file = WriteConfig(Yaml.Replace("node: app.who", "node: app.whom", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<PortwayConfigException>(() =>
            EmbeddedApp.StartAsync(o => { o.ConfigFile = file; o.BaseDirectory = _folder; }, Nodes));

        var problem = Assert.Single(error.Problems);
        Assert.Equal((file, 11, 39), (problem.File, problem.Line, problem.Column));
        Assert.Contains("unknown node 'app.whom'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("portway.yaml:11:39:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeDependencyDiCannotResolve_StartupFailsNamingIt()
    {
        var yaml = Yaml.Replace("node: app.who", "node: app.broken", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddedApp.StartAsync(o => o.Yaml = yaml, p => p.AddNode<GreetNode>().AddNode<BrokenNode>()));

        Assert.Contains("node 'app.broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(IMissingService), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadYaml_AddPortwayThrowsEveryProblemWithPosition()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<PortwayConfigException>(() => services.AddPortway(o => o.Yaml = "pipelines:\n  p: { stages: [ { name: a } ] }\nbogus: 1\n"));

        Assert.True(error.Problems.Count >= 2, string.Join("\n", error.Problems));
        Assert.All(error.Problems, p => Assert.Equal("portway.yaml", p.File));
        Assert.Contains(error.Problems, p => p.Line == 3 && p.Message.Contains("bogus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigurationSection_ServesTheSameTree()
    {
        var settings = new Dictionary<string, string?>
        {
            ["App:Portway:runtime:web:interfaces:0:kind"] = "http",
            ["App:Portway:runtime:web:interfaces:0:binds:0"] = "request",
            ["App:Portway:runtime:web:interfaces:0:binds:1"] = "response",
            ["App:Portway:runtime:web:interfaces:0:endpoints:0:route"] = "POST /greet",
            ["App:Portway:runtime:web:interfaces:0:endpoints:0:pipeline"] = "greet",
            ["App:Portway:runtime:web:interfaces:0:endpoints:0:timeout_ms"] = "2500",
            ["App:Portway:pipelines:greet:stages:0:name"] = "greet",
            ["App:Portway:pipelines:greet:stages:0:node"] = "app.greet",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        await using var app = await EmbeddedApp.StartAsync(o => o.Configuration = configuration.GetSection("App:Portway"), Nodes);
        var response = await app.Client.PostAsJsonAsync("/greet", new { name = "cfg" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2500, app.App.Services.GetRequiredService<PortwayConfig>().Runtime.Web.Interfaces[0].Endpoints[0].TimeoutMs);
    }

    [Fact]
    public void ConfigurationSection_ProblemNamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portway:pipelines:greet:stages:0:name"] = "greet",
            ["Portway:pipelines:greet:stages:0:node"] = "app.greet",
            ["Portway:pipelines:greet:stages:0:colour"] = "red",
        }).Build();

        var error = Assert.Throws<PortwayConfigException>(() => new ServiceCollection().AddPortway(o => o.Configuration = configuration.GetSection("Portway")));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("configuration[Portway]", problem.File);
        Assert.Contains("at key 'pipelines:greet:stages:0:colour'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoker_NodeSeesIdentityAndDeadlineButNoTransportHeader()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var app = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes, builder: b => b.Services.AddSingleton<TimeProvider>(time));
        var invoker = app.App.Services.GetRequiredService<IPortwayInvoker>();

        var result = await invoker.InvokeAsync(new PortwayRequest
        {
            Pipeline = "who",
            Input = "{}"u8.ToArray(),
            Timeout = TimeSpan.FromSeconds(7),
            Tenant = "acme",
            Identity = new CallerIdentity { Subject = "user-1", Tenant = "acme", Scopes = ["read"] },
        }).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.IsSuccess, result.Error?.Message);
        var seen = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("user-1", seen.GetProperty("subject").GetString());
        Assert.Equal("read", seen.GetProperty("scopes")[0].GetString());
        Assert.Equal("acme", seen.GetProperty("tenant").GetString());
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(7), seen.GetProperty("deadline").GetDateTimeOffset());
        Assert.DoesNotContain(typeof(Portway.Nodes.NodeContext).GetProperties(), p => p.Name == "Headers");
    }

    [Fact]
    public async Task MapPortway_ConventionsReachPortwaysEndpointsOnly()
    {
        await using var app = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes, map: web =>
        {
            web.Use(async (context, next) =>
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<PortwayMarker>() is not null)
                {
                    context.Response.Headers["x-marked"] = "yes";
                }

                await next(context);
            });
            web.MapGet("/mine", () => "mine");
            web.MapPortway().WithMetadata(new PortwayMarker());
        });

        var portway = await app.Client.PostAsJsonAsync("/greet", new { name = "m" });
        var mine = await app.Client.GetAsync(new Uri("/mine", UriKind.Relative));
        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal("yes", portway.Headers.GetValues("x-marked").Single());
        Assert.Equal("yes", health.Headers.GetValues("x-marked").Single());
        Assert.False(mine.Headers.Contains("x-marked"));
        Assert.Equal("mine", await mine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NotFoundFallback_OffByDefault_OptIn()
    {
        await using (var plain = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes))
        {
            var response = await plain.Client.GetAsync(new Uri("/nowhere", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        await using var withFallback = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes, map: web => web.MapPortway(o => o.NotFoundFallback = true));
        var fallback = await withFallback.Client.GetAsync(new Uri("/nowhere", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, fallback.StatusCode);
        Assert.Equal("not_found", (await fallback.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task H2c_OnlyOnTheListenerThatOptsIn()
    {
        await using var app = await EmbeddedApp.StartAsync(o => o.Yaml = Yaml, Nodes, builder: b => b.WebHost.ConfigureKestrel(k =>
            k.Listen(IPAddress.Loopback, 0, listen => listen.UsePortwayH2c())));
        using var h2 = new HttpClient { BaseAddress = app.BaseAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var response = await h2.PostAsJsonAsync(new Uri("/greet", UriKind.Relative), new { name = "h2" });

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed class PortwayMarker;
}
