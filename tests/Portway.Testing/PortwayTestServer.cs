using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.Host;
using Portway.Internal.Correlation;

namespace Portway.Testing;

/// <summary>The real host (Kestrel on 127.0.0.1, a free port) serving a config, for tests over real sockets.</summary>
public sealed class PortwayTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PortwayTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Waiters pending in the host right now.</summary>
    public int PendingWaiters => _app.Services.GetRequiredService<WaiterRegistry>().Pending;

    public static Task<PortwayTestServer> StartAsync(string yaml, Action<IServiceCollection>? configureServices = null, params string[] extraNodes) =>
        StartAsync(TestConfig.Load(yaml, extraNodes), configureServices);

    public static async Task<PortwayTestServer> StartAsync(PortwayConfig config, Action<IServiceCollection>? configureServices = null)
    {
        var app = PortwayApp.Build(config, new PortwayAppOptions
        {
            Urls = config.Runtime.Web.Tls is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0",
            ConfigureServices = configureServices,
            ConfigureLogging = logging => logging.SetMinimumLevelWarning(),
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PortwayTestServer(app, new Uri(address));
    }

    /// <summary>Stops the host the way SIGTERM does (drain, then stop).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
