namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// What a sweep did: when it ran, how many dead nodes it removed, how many nodes remain in each state (as the sweep
/// began), how many nodes it contacted because a retry fell due (<see cref="Retried"/>) and how many of those answered
/// and are active again (<see cref="Revived"/>).
/// </summary>
internal sealed record DirectorySweep(DateTimeOffset At, int Removed, IReadOnlyDictionary<string, int> States, int Retried = 0, int Revived = 0);
