namespace Portway.Host.Cli;

internal static class ServeCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args) => Task.FromResult(2);
}
