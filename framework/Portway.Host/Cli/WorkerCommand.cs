namespace Portway.Host.Cli;

/// <summary><c>portway worker --group NAME</c>: placeholder until the tcp_local transport lands (issue 4).</summary>
internal static class WorkerCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args)
    {
        Console.Error.WriteLine("portway worker: the tcp_local transport is not built yet");
        return Task.FromResult(2);
    }
}
