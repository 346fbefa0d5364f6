namespace Portway.Pipelines.NodeDirectory;

/// <summary>One page of discovery: the nodes, and the cursor for the next page (null on the last page).</summary>
internal sealed record DirectoryPage(IReadOnlyList<DirectoryNodeView> Nodes, string? Next);
