using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portway.Samples.Greetings.Tests;

/// <summary>
/// tcp_local in an app of your own: the greet stage runs in children that are the sample's own executable, started as
/// <c>worker --group greeters</c> and handed to Portway by the one call in its Program.
/// </summary>
public sealed class GreetingsWorkerTests
{
    [Fact]
    public async Task Multiprocess_TheAppsOwnNodeRunsInItsWorkers()
    {
        await using var app = await SampleApp.StartAsync("--Portway:ConfigFile=greetings-multiprocess.yaml");
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // The workers start after the host listens: until one is ready the stage answers unavailable.
        JsonElement body = default;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await client.PostAsJsonAsync("/greet", new { name = "Ken" }, deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                body = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }

        // The worker built its services from the app's own registrations and settings (appsettings.json: "Hello").
        Assert.Equal("Hello, Ken!", body.GetProperty("greeting").GetString());
        Assert.NotEqual(app.Pid, body.GetProperty("pid").GetInt32());
    }
}
