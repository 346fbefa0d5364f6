using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portway.Testing;

/// <summary>
/// A real Kestrel peer on a free loopback port for the egress tests: every HTTP request is recorded and answered by
/// <see cref="Answer"/> (by its 1-based index), and <c>/ws</c> accepts WebSocket upgrades while <see cref="AcceptWebSockets"/>
/// says so (else 503), records each text message, and closes a connection after <see cref="CloseAfterMessages"/> messages.
/// </summary>
public sealed class FlakyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private int _upgrades;

    private FlakyServer(WebApplication app) => _app = app;

    /// <summary>Answers request number N (1-based): status and body; null hangs until the client gives up.</summary>
    public Func<int, (int Status, string Body)?> Answer { get; set; } = _ => (200, "{}");

    public ConcurrentQueue<(string Method, string Path, string Body, string TraceParent, string Authorization)> Requests { get; } = new();

    public int Hits => Volatile.Read(ref _hits);

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Whether upgrade attempt N (1-based) is accepted.</summary>
    public Func<int, bool> AcceptWebSockets { get; set; } = _ => true;

    /// <summary>Closes the first WebSocket connection once it received this many messages (0: never).</summary>
    public int CloseAfterMessages { get; set; }

    public int Upgrades => Volatile.Read(ref _upgrades);

    private int _webSocketConnections;

    public int WebSocketConnections => Volatile.Read(ref _webSocketConnections);

    /// <summary>(connection number, text) of every WebSocket message received.</summary>
    public ConcurrentQueue<(int Connection, string Text)> Messages { get; } = new();

    public static async Task<FlakyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FlakyServer(app);
        app.UseWebSockets();
        app.Run(context => context.Request.Path == "/ws" ? server.WebSocketAsync(context) : server.HttpAsync(context));
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public Uri WebSocketUrl => new($"ws://{BaseAddress.Authority}/ws");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HttpAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _hits);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, body,
            context.Request.Headers["traceparent"].ToString(), context.Request.Headers.Authorization.ToString()));
        if (Answer(n) is not { } answer)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    private async Task WebSocketAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _upgrades);
        if (!context.WebSockets.IsWebSocketRequest || !AcceptWebSockets(n))
        {
            context.Response.StatusCode = 503;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = Interlocked.Increment(ref _webSocketConnections);
        var buffer = new byte[64 * 1024];
        var received = 0;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                Messages.Enqueue((connection, Encoding.UTF8.GetString(buffer, 0, result.Count)));
                if (connection == 1 && CloseAfterMessages > 0 && ++received >= CloseAfterMessages)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away", CancellationToken.None);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }
}
