using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portway.Bench.Baseline;

// Plain ASP.NET Core minimal APIs: the same work as the Portway endpoints in _work/bench/bench.yaml.
// Same host shape as Portway.Host: slim builder, simple console logging at Information, ASP.NET Core at Warning.
// Usage: Portway.Bench.Baseline --port P [--h2c-port Q]   (HTTP/1.1 on 127.0.0.1:P, h2c prior knowledge on Q)
var port = IntArg(args, "--port") ?? 8090;
var h2cPort = IntArg(args, "--h2c-port");
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
    if (h2cPort is { } h2)
    {
        kestrel.Listen(IPAddress.Loopback, h2, listen => listen.Protocols = HttpProtocols.Http2);
    }
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = false;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Information);
builder.Services.AddSingleton<VoiceFeedback>();
var jwt = BenchJwt.AddTo(builder.Services);

var app = builder.Build();
app.UseWebSockets();
if (jwt) BenchJwt.Use(app);

// sys.echo: read a small JSON body, answer it.
app.MapPost("/v1/echo", (JsonElement body) => Results.Json(body));

// sys.echo/h1-jwt-rate: the echo behind JwtBearer (a valid HS256 token required) and a fixed-window rate limit by client.
if (jwt) app.MapPost(BenchJwt.Route, (JsonElement body) => Results.Json(body)).RequireAuthorization().RequireRateLimiting(BenchJwt.RatePolicy);

// The 3-stage DAG a, b -> join (fan-out of the input to a and b, fan-in at join): {"a":body,"b":body}.
app.MapPost("/v1/dag3", (JsonElement body) => Results.Json(new Dictionary<string, JsonElement>(2) { ["a"] = body, ["b"] = body }));

// The voice-profile feedback: voice.extract then voice.compare, the same node code called directly.
app.MapPost("/v1/resonance/feedback", async (HttpRequest request, VoiceFeedback feedback, CancellationToken cancellationToken) =>
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer, cancellationToken);
    return await feedback.RunAsync(buffer.ToArray(), cancellationToken);
});

// sys.delay: {"ms": N} waits N ms, then echoes (held-open requests for the memory measurement).
app.MapPost("/v1/delay", async (JsonElement body, CancellationToken cancellationToken) =>
{
    var ms = body.TryGetProperty("ms", out var value) && value.TryGetInt32(out var n) ? Math.Clamp(n, 0, 600_000) : 0;
    await Task.Delay(ms, cancellationToken);
    return Results.Json(body);
});

// WebSocket round trips in Portway's message shape: {"id","op","payload"} in, {"id","type":"reply","payload"} out.
app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await WebSocketEcho.RunAsync(socket, context.RequestAborted);
});

app.MapGet("/health", () => Results.Json(new { status = "ok" }));

app.Run();

static int? IntArg(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
}
