namespace Portway.Host.Cli;

internal static class Usage
{
    public const string Text = """
        usage:
          portway serve [--config FILE] [--urls URL]   serve the endpoints of FILE (default config/runtime.yaml, else the embedded default)
          portway check FILE [--json]                  validate FILE and print its normalized contract summary
          portway reload --pid PID                     make the serve process PID reload its config file (SIGHUP)
          portway worker --group NAME                  run a process group's stages (started by serve; reads its bootstrap from stdin)
          portway worker --group NAME --config FILE [--worker-id ID]
                                                       run a redis process group's stages standalone (another machine; no HTTP
                                                       listener); ID names it in the group (default NAME-MACHINE-PID)
        """;

    public static int Print(TextWriter writer, int exitCode = 2)
    {
        writer.WriteLine(Text);
        return exitCode;
    }
}
