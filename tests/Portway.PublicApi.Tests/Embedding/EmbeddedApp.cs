using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portway.Adapters.GraphQL;
using Portway.Adapters.Http;
using Portway.Adapters.WebSocket;

namespace Portway.PublicApi.Tests.Embedding;

/// <summary>A user's own ASP.NET Core app with Portway inside, on 127.0.0.1 (a free port): what a Program.cs would do.</summary>
internal sealed class EmbeddedApp : IAsyncDisposable
{
    private EmbeddedApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Builds the app (startup problems throw from here) and starts it.</summary>
    public static async Task<EmbeddedApp> StartAsync(
        Action<PortwayOptions> configure,
        Action<IPortwayBuilder>? nodes = null,
        Action<WebApplication>? map = null,
        Action<WebApplicationBuilder>? builder = null)
    {
        var webBuilder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        webBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        webBuilder.Logging.ClearProviders();
        webBuilder.Services.AddSingleton<ScopedLedger>();
        webBuilder.Services.AddScoped<ScopedThing>();
        builder?.Invoke(webBuilder);
        var portway = webBuilder.Services.AddPortway(configure).AddPortwayHttp().AddPortwayWebSocket().AddPortwayGraphQL();
        nodes?.Invoke(portway);
        var app = webBuilder.Build();
        try
        {
            if (map is null)
            {
                app.MapPortway();
            }
            else
            {
                map(app);
            }

            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddedApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
