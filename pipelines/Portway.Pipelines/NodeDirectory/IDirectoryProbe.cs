namespace Portway.Pipelines.NodeDirectory;

/// <summary>How the directory contacts a silent node when a retry falls due (<see cref="NodeDirectoryService.SweepAsync"/>).</summary>
internal interface IDirectoryProbe
{
    /// <summary>True when one of <paramref name="endpoints"/> answered.</summary>
    ValueTask<bool> ContactAsync(string nodeId, IReadOnlyList<string> endpoints, CancellationToken cancellationToken);
}
