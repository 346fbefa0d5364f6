using System.Net.Sockets;
using System.Text;

namespace Portway.Adapters.Tests.Http;

/// <summary>A plain TCP connection to the test host, for requests HttpClient will not send (bad framing, stalls, bad bytes).</summary>
internal sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawHttp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(Uri baseAddress)
    {
        var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port);
        return new RawHttp(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads until the server closes the connection or <paramref name="within"/> passes; the bytes as Latin-1 text.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(chunk, cts.Token);
                if (n == 0) break;
                buffer.Write(chunk, 0, n);
            }
        }
        catch (IOException)
        {
            // A reset after the answer is still an answer.
        }
        catch (OperationCanceledException)
        {
            // Still open: what came so far is the answer the test looks at.
        }

        return Encoding.Latin1.GetString(buffer.ToArray());
    }

    /// <summary>True when the server closes the connection (end of stream or reset) within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var chunk = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(chunk, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
