using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

// Usage: Portway.Bench.LoadWs URL CONNECTIONS SECONDS BODY_FILE [OP]
// Opens CONNECTIONS WebSockets; on each, for SECONDS, sends {"id":N,"op":OP,"payload":BODY} and waits for the
// answer with that id ({"id":N,"type":"reply",...}), one at a time. Prints the line run.sh reads, like post.lua:
// BENCH_RESULT requests= duration_us= p50_us= p99_us= non2xx=(answers that are not replies) sockerr=(broken connections)
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Portway.Bench.LoadWs URL CONNECTIONS SECONDS BODY_FILE [OP]");
    return 2;
}

var url = new Uri(args[0]);
var connections = int.Parse(args[1], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
var body = File.ReadAllText(args[3]).Trim();
var op = args.Length > 4 ? args[4] : null;

var sockets = new List<ClientWebSocket>();
var socketErrors = 0;
for (var i = 0; i < connections; i++)
{
    var socket = new ClientWebSocket();
    try
    {
        await socket.ConnectAsync(url, CancellationToken.None);
        sockets.Add(socket);
    }
    catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
    {
        socketErrors++;
        socket.Dispose();
    }
}

var clock = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
var runs = sockets.Select(socket => Task.Run(() => RunAsync(socket))).ToArray();
var results = await Task.WhenAll(runs);
var elapsed = clock.Elapsed;

var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
var notReplies = results.Sum(r => r.NotReplies);
socketErrors += results.Count(r => r.Broken);
foreach (var socket in sockets)
{
    try
    {
        using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token);
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
    }

    socket.Dispose();
}

long Percentile(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"BENCH_RESULT requests={latencies.Length} duration_us={(long)elapsed.TotalMicroseconds} p50_us={Percentile(0.50)} p99_us={Percentile(0.99)} non2xx={notReplies} sockerr={socketErrors}"));
return 0;

async Task<(List<long> Latencies, int NotReplies, bool Broken)> RunAsync(ClientWebSocket socket)
{
    var latencies = new List<long>(1 << 16);
    var notReplies = 0;
    var buffer = new byte[1 << 16];
    var id = 0L;
    try
    {
        while (clock.Elapsed < deadline)
        {
            id++;
            var message = op is null
                ? $"{{\"id\":{id},\"payload\":{body}}}"
                : $"{{\"id\":{id},\"op\":\"{op}\",\"payload\":{body}}}";
            var start = Stopwatch.GetTimestamp();
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var length = 0;
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return (latencies, notReplies, true);
                }

                length += received.Count;
                if (received.EndOfMessage)
                {
                    break;
                }
            }

            latencies.Add((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            if (!IsReplyTo(buffer.AsMemory(0, length), id))
            {
                notReplies++;
            }
        }
    }
    catch (WebSocketException)
    {
        return (latencies, notReplies, true);
    }

    return (latencies, notReplies, false);
}

static bool IsReplyTo(ReadOnlyMemory<byte> json, long id)
{
    try
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.TryGetProperty("type", out var type) && type.ValueEquals("reply")
            && root.TryGetProperty("id", out var answerId) && answerId.TryGetInt64(out var n) && n == id;
    }
    catch (JsonException)
    {
        return false;
    }
}
