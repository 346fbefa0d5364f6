using System.Text.RegularExpressions;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Readme;

/// <summary>
/// The runnable <c>dotnet run --project framework/Portway.Host -- ...</c> commands of README.md's shell blocks,
/// as a user would copy them (synopsis lines with <c>[OPTION]</c> or <c>FILE</c> placeholders are not commands).
/// </summary>
internal static partial class ReadmeCommands
{
    public const string Prefix = "dotnet run --project framework/Portway.Host --";

    /// <summary>Each command's words after <c>dotnet</c> (e.g. <c>run --project framework/Portway.Host -- serve</c>).</summary>
    public static IReadOnlyList<string[]> Read()
    {
        var commands = new List<string[]>();
        var inShellBlock = false;
        foreach (var raw in File.ReadLines(Path.Combine(RepoPaths.Root, "README.md")))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShellBlock = !inShellBlock && line is "```sh" or "```bash" or "```shell";
                continue;
            }

            if (!inShellBlock || !line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Any(w => w.StartsWith('[') || Placeholder().IsMatch(w) || w.StartsWith('#')))
            {
                continue;
            }

            commands.Add(words[1..]);
        }

        return commands;
    }

    [GeneratedRegex("^[A-Z]{2,}$")]
    private static partial Regex Placeholder();
}
