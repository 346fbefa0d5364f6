using Portway.Configuration;
using YamlDotNet.Core;

namespace Portway.Internal.Configuration;

/// <summary>Collects config problems for one source; hands them back sorted by line, column, message.</summary>
internal sealed class ConfigDiagnostics
{
    private readonly List<ConfigProblem> _problems = [];

    public ConfigDiagnostics(string file) => File = file;

    public string File { get; }

    public bool HasProblems => _problems.Count > 0;

    public void Report(Mark at, string message) =>
        _problems.Add(new ConfigProblem(File, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), message));

    public IReadOnlyList<ConfigProblem> Sorted() => _problems
        .Distinct()
        .OrderBy(p => p.Line)
        .ThenBy(p => p.Column)
        .ThenBy(p => p.Message, StringComparer.Ordinal)
        .ToArray();
}
