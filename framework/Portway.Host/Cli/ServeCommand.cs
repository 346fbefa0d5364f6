namespace Portway.Host.Cli; internal static class ServeCommand { public static Task<int> RunAsync(IReadOnlyList<string> a) => Task.FromResult(2); }
