using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>
/// The external service a batch's item stage calls (<c>sys.http_call</c> through an http egress), a real Kestrel on a
/// free loopback port. The body is the item, a JSON text; each call reports its arrival, then waits until the test
/// releases that item (or the caller aborts). Released, an item starting with <c>fail</c> answers 422, any other
/// <c>{"scored":ITEM}</c>. Counts the calls in progress (and the most at once), the aborted ones, and which process
/// holds each call's client socket.
/// </summary>
internal sealed class ItemServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly Channel<string> _arrivals = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _aborted = Channel.CreateUnbounded<string>();
    private readonly Lock _lock = new();
    private int _inProgress;

    private ItemServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The most calls in progress at once so far.</summary>
    public int MaxInProgress { get; private set; }

    public int InProgress
    {
        get
        {
            lock (_lock) return _inProgress;
        }
    }

    /// <summary>Every arrival so far, in order, with the client's port (the item stage's socket).</summary>
    public ConcurrentQueue<(string Item, int ClientPort)> Arrivals { get; } = new();

    public int ServerPort => BaseAddress.Port;

    public static async Task<ItemServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ItemServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>The next item that arrived.</summary>
    public async Task<string> NextArrivalAsync() => await _arrivals.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>The next item whose call the caller aborted.</summary>
    public async Task<string> NextAbortAsync() => await _aborted.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>True when no arrival is waiting to be read.</summary>
    public bool NoArrivalWaiting => !_arrivals.Reader.TryPeek(out _);

    public void Release(string item) => Gate(item).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values) gate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var item = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement.GetString() ?? "";
        lock (_lock)
        {
            MaxInProgress = Math.Max(MaxInProgress, ++_inProgress);
        }

        try
        {
            Arrivals.Enqueue((item, context.Connection.RemotePort));
            _arrivals.Writer.TryWrite(item);
            try
            {
                await Gate(item).Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _aborted.Writer.TryWrite(item);
                return;
            }

            context.Response.ContentType = "application/json";
            if (item.StartsWith("fail", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 422;
                await context.Response.WriteAsync("{\"error\":\"refused\"}");
                return;
            }

            await context.Response.WriteAsync(JsonSerializer.Serialize(new { scored = item }));
        }
        finally
        {
            lock (_lock)
            {
                _inProgress--;
            }
        }
    }

    private TaskCompletionSource Gate(string item) => _gates.GetOrAdd(item, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// Which of <paramref name="pids"/> holds the client end of the loopback TCP connection from
    /// <paramref name="clientPort"/> to <paramref name="serverPort"/> (from <c>/proc/net/tcp</c> and the processes'
    /// <c>/proc/PID/fd</c> links), or null.
    /// </summary>
    public static int? SocketOwner(int clientPort, int serverPort, IEnumerable<int> pids)
    {
        string? inode = null;
        // A .NET socket is dual-mode: its IPv4 connection shows in tcp6 as ::ffff:127.0.0.1.
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1)))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (Port(f[1]) == clientPort && Port(f[2]) == serverPort)
            {
                inode = f[9];
                break;
            }
        }

        if (inode is null)
        {
            return null;
        }

        var target = $"socket:[{inode}]";
        foreach (var pid in pids)
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget == target)
                {
                    return pid;
                }
            }
        }

        return null;

        static int Port(string address) => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
