namespace Portway.Configuration;

/// <summary>What <see cref="PortwayConfigLoader"/> found: a normalized config, or every problem at once.</summary>
public sealed class ConfigLoadResult
{
    internal ConfigLoadResult(PortwayConfig? config, IReadOnlyList<ConfigProblem> problems)
    {
        Config = config;
        Problems = problems;
    }

    /// <summary>The validated, normalized config; null when <see cref="Problems"/> is not empty.</summary>
    public PortwayConfig? Config { get; }

    /// <summary>Every problem found, sorted by line then column. Empty when the file is valid.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    /// <summary>True when the file is valid and <see cref="Config"/> is set.</summary>
    public bool IsValid => Config is not null;
}
