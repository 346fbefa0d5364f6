using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Host.Cli;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary><c>portway serve</c> reloads its config file: on <c>portway reload --pid</c> (SIGHUP) and when the file changes.</summary>
public sealed class ServeReloadTests : IDisposable
{
    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: NODE } ] }
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), "portway-reload-" + Guid.NewGuid().ToString("N") + ".yaml");

    public void Dispose() => File.Delete(_path);

    private void Write(string node) => File.WriteAllText(_path, Yaml.Replace("NODE", node, StringComparison.Ordinal));

    private static long Version(HttpClient client)
    {
        using var stats = JsonDocument.Parse(client.GetStringAsync(new Uri("/stats", UriKind.Relative)).GetAwaiter().GetResult());
        return stats.RootElement.GetProperty("config").GetProperty("version").GetInt64();
    }

    private static async Task<HttpStatusCode> EchoAsync(HttpClient client)
    {
        using var response = await client.PostAsync(new Uri("/v1/echo", UriKind.Relative), new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task ReloadCommand_SignalsServe_WhichReloadsItsFile()
    {
        Write("sys.echo");
        await using var host = await HostProcess.StartAsync(["serve", "--config", _path]);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(1, Version(client));

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ReloadCommand.Run(["--pid", host.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], output, error));

        await Eventually.TrueAsync(() => Version(client) == 2, TimeSpan.FromSeconds(30), "SIGHUP reloaded the config");
        Assert.False(host.HasExited);
        Assert.Equal(HttpStatusCode.OK, await EchoAsync(client));
    }

    [Fact]
    public async Task FileChange_ValidReplacesThePipeline_InvalidIsReportedAndTheLastGoodServes()
    {
        Write("sys.echo");
        await using var host = await HostProcess.StartAsync(["serve", "--config", _path]);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, await EchoAsync(client));

        Write("sys.fail");
        await Eventually.TrueAsync(() => Version(client) == 2, TimeSpan.FromSeconds(30), "the file change reloaded the config");
        Assert.Equal(HttpStatusCode.InternalServerError, await EchoAsync(client));

        Write("sys.nope");
        await Eventually.TrueAsync(() => host.Output.Contains("unknown node 'sys.nope'", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the problem was logged");
        Assert.Contains(_path + ":8:41: ", host.Output, StringComparison.Ordinal);
        Assert.Equal(2, Version(client));
        Assert.Equal(HttpStatusCode.InternalServerError, await EchoAsync(client));
    }
}
