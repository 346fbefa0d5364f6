namespace Portway.Pipelines.NodeDirectory;

/// <summary>What a sweep did: when it ran, how many dead nodes it removed, and how many nodes remain in each state.</summary>
internal sealed record DirectorySweep(DateTimeOffset At, int Removed, IReadOnlyDictionary<string, int> States);
