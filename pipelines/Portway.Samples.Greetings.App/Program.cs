using Portway;
using Portway.Adapters.GraphQL;
using Portway.Adapters.Http;
using Portway.Adapters.WebSocket;
using Portway.Samples.Greetings;

var builder = WebApplication.CreateBuilder(args);

// Portway's YAML (Portway:ConfigFile in appsettings.json or --Portway:ConfigFile=...), the nodes registered once,
// their settings through options, and the three ingress adapters.
builder.Services.AddPortway(o =>
{
    o.ConfigFile = builder.Configuration["Portway:ConfigFile"] ?? "greetings.yaml";
    o.BaseDirectory = AppContext.BaseDirectory;
})
    .AddGreetings()
    .AddPortwayHttp()
    .AddPortwayWebSocket()
    .AddPortwayGraphQL();
builder.Services.Configure<GreetingOptions>(builder.Configuration.GetSection("Greetings"));

// With execution_ipc.transport: tcp_local, Portway starts this same executable as `worker --group NAME`:
// hand those runs to Portway (they serve the group's stages with the registrations above), before building the app.
if (await PortwayWorker.TryRunAsync(args, builder.Services) is { } exitCode)
{
    return exitCode;
}

var app = builder.Build();
app.MapGet("/", () => "the greetings sample: POST /greet, WebSocket /ws, GraphQL /graphql");
app.MapPortway();
await app.RunAsync();
return 0;
