namespace Portway.Configuration;

/// <summary>The config could not be loaded: every problem, each <c>FILE:LINE:COL: message</c>.</summary>
public sealed class PortwayConfigException : Exception
{
    public PortwayConfigException()
        : this([])
    {
    }

    public PortwayConfigException(string message)
        : base(message)
    {
        Problems = [];
    }

    public PortwayConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    public PortwayConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, sorted by position.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ConfigProblem> problems) =>
        $"{problems.Count} config problem(s):" + Environment.NewLine + string.Join(Environment.NewLine, problems);
}
