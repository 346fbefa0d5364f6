using System.Globalization;
using Portway.Configuration;

namespace Portway.Host.Cli;

/// <summary>
/// <c>portway check FILE [--json]</c>: loads and validates a config without starting anything.
/// Exit codes: 0 valid (the contract summary on stdout), 1 invalid (every problem on stderr, then a count),
/// 2 the file cannot be read or the command line is wrong.
/// </summary>
internal static class CheckCommand
{
    public const string Usage = """
        usage: portway check FILE [--json]

        Validates a Portway config file and prints its normalized contract.
          FILE     the YAML config to check
          --json   print the contract as JSON instead of text

        exit codes: 0 valid, 1 problems found (listed on stderr), 2 usage or file error
        """;

    /// <param name="args">What follows <c>check</c> on the command line.</param>
    /// <param name="stdout">Where the contract summary (or help) goes.</param>
    /// <param name="stderr">Where problems and errors go.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        if (args.Any(a => a is "-h" or "--help"))
        {
            stdout.Write(Usage + "\n");
            return 0;
        }

        var json = false;
        string? file = null;
        foreach (var arg in args)
        {
            if (arg == "--json")
            {
                json = true;
            }
            else if (arg.StartsWith('-') || file is not null)
            {
                stderr.Write($"portway check: unexpected argument '{arg}'\n{Usage}\n");
                return 2;
            }
            else
            {
                file = arg;
            }
        }

        if (file is null)
        {
            stderr.Write($"portway check: missing FILE\n{Usage}\n");
            return 2;
        }

        ConfigLoadResult result;
        try
        {
            result = PortwayConfigLoader.LoadFile(file, KnownNodes.All);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.Write($"portway check: file not found: {file}\n");
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.Write($"portway check: cannot read {file}: {ex.Message}\n");
            return 2;
        }

        if (result.Config is { } config)
        {
            stdout.Write(json ? ContractSummary.RenderJson(config) : ContractSummary.Render(config));
            return 0;
        }

        foreach (var problem in result.Problems) stderr.Write(problem + "\n");
        stderr.Write(string.Create(CultureInfo.InvariantCulture, $"{result.Problems.Count} problem(s) in {file}\n"));
        return 1;
    }
}
