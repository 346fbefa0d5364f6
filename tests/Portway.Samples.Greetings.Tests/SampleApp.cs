using Portway.Testing;

namespace Portway.Samples.Greetings.Tests;

/// <summary>The sample app's own executable, started from the test's output folder on a free loopback port.</summary>
internal static class SampleApp
{
    public static Task<HostProcess> StartAsync(params string[] arguments) =>
        HostProcess.StartCommandAsync(AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "Portway.Samples.Greetings.App"),
            [.. arguments, "--urls", "http://127.0.0.1:0"], TimeSpan.FromSeconds(60));
}
