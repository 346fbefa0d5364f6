using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>config/runtime.yaml's timer interface runs directory_sweep every minute: on a fake clock, a node that went silent is shown in each state, then removed.</summary>
public sealed class DirectorySweepTimerEndToEndTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portway-e2e-sweep-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = _root;
        _server = await PortwayTestServer.StartAsync(config, services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task SilentNode_GoesThroughItsStates_ThenTheTimersSweepRemovesIt()
    {
        using var register = await _server.Client.PostAsync("/v1/directory/nodes",
            new StringContent($$"""{"id":"quiet","public_key":"{{DirectoryNodeKey.Shared.PublicKey}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        var directory = _server.Services.GetRequiredService<NodeDirectoryService>();
        Assert.Equal(1, directory.Count);

        _clock.Advance(directory.Lifecycle.StartOf(DirectoryNodeState.Coma));
        Assert.Contains("\"state\":\"coma\"", await _server.Client.GetStringAsync("/v1/directory/nodes/quiet"), StringComparison.Ordinal);
        Assert.Equal(1, directory.Count);

        _clock.Advance(directory.Lifecycle.StartOf(DirectoryNodeState.Dead) - directory.Lifecycle.StartOf(DirectoryNodeState.Coma));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (directory.Count > 0 && !cts.IsCancellationRequested)
        {
            // The sweep runs on the timer's next minute.
            _clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Equal(0, directory.Count);
        using var gone = await _server.Client.GetAsync("/v1/directory/nodes/quiet");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
