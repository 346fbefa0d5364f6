using Portway.Testing;

namespace Portway.EndToEnd.Tests.Cli;

/// <summary><c>portway worker</c> run by hand: it is started by <c>serve</c>, so a bad command line is a usage error.</summary>
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("worker")]
    [InlineData("worker --group")]
    [InlineData("worker --grop cpu")]
    public async Task Worker_BadArguments_ExitsTwoWithUsage(string commandLine)
    {
        await using var host = await HostProcess.StartAsync(commandLine.Split(' '), waitForListening: false);

        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("expected --group NAME", host.Output, StringComparison.Ordinal);
        Assert.Contains("portway worker --group NAME", host.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "must be 1 to 128 characters")]
    [InlineData("two words", "must not contain spaces")]
    public async Task Worker_BadWorkerId_ExitsTwoNamingIt(string workerId, string problem)
    {
        await using var host = await HostProcess.StartAsync(["worker", "--group", "cpu_sync", "--config", "config/redis.yaml", "--worker-id", workerId], waitForListening: false);

        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"--worker-id '{workerId}' {problem}", host.Output, StringComparison.Ordinal);
    }
}
