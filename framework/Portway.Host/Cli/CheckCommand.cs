namespace Portway.Host.Cli;

/// <summary>Placeholder: the config contract branch replaces this file.</summary>
internal static class CheckCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("portway check: not built yet");
        return 2;
    }
}
