using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Contacts a node at its registered endpoints, in order, until one answers: an <c>http(s)</c> endpoint answers a
/// <c>GET</c> of its URL with a 2xx status; a <c>ws(s)</c> endpoint completes the WebSocket handshake (then the directory
/// closes it). Other schemes are skipped. All the endpoints of one node share <see cref="Timeout"/>. Redirects are not
/// followed. BCL clients only (<see cref="HttpClient"/>, <see cref="ClientWebSocket"/>).
/// </summary>
internal sealed partial class EndpointProbe : IDirectoryProbe, IDisposable
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public EndpointProbe(TimeSpan timeout, ILogger logger)
    {
        Timeout = timeout;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1), ConnectTimeout = timeout })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // the budget below decides
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("portway-directory-retry/1");
    }

    /// <summary>How long one node's contact may take, all its endpoints together.</summary>
    public TimeSpan Timeout { get; }

    public async ValueTask<bool> ContactAsync(string nodeId, IReadOnlyList<string> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Timeout);
        foreach (var endpoint in endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                continue;
            }

            try
            {
                if (uri.Scheme is "http" or "https")
                {
                    using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, budget.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return true;
                    }

                    Log.Refused(_logger, nodeId, endpoint, $"HTTP {(int)response.StatusCode}");
                }
                else if (uri.Scheme is "ws" or "wss")
                {
                    using var socket = new ClientWebSocket();
                    await socket.ConnectAsync(uri, budget.Token).ConfigureAwait(false);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "directory retry", budget.Token).ConfigureAwait(false);
                    return true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                Log.Refused(_logger, nodeId, endpoint, $"no answer within {Timeout.TotalMilliseconds:F0} ms");
                return false;
            }
            catch (Exception ex) when (ex is HttpRequestException or WebSocketException or IOException)
            {
                Log.Refused(_logger, nodeId, endpoint, ex.Message);
            }
        }

        return false;
    }

    public void Dispose() => _http.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "node directory: retry of node {Id} at {Endpoint} failed: {Reason}")]
        public static partial void Refused(ILogger logger, string id, string endpoint, string reason);
    }
}
