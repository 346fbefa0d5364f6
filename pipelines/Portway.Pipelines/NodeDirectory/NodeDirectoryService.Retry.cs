namespace Portway.Pipelines.NodeDirectory;

internal sealed partial class NodeDirectoryService
{
    /// <summary>Contacts the nodes whose retry fell due, <see cref="RetryConcurrency"/> at once; answers (contacted, revived).</summary>
    private async ValueTask<(int Retried, int Revived)> RetryAsync(List<(string Id, DirectoryNodeState State)> due, CancellationToken cancellationToken)
    {
        var retried = 0;
        var revived = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, RetryConcurrency), CancellationToken = cancellationToken }, async (node, token) =>
        {
            if (await ClaimRetryAsync(node.Id, node.State, token).ConfigureAwait(false) is not { } claimed)
            {
                return;
            }

            Interlocked.Increment(ref retried);
            if (await Probe!.ContactAsync(claimed.Id, claimed.Endpoints, token).ConfigureAwait(false))
            {
                try
                {
                    await TouchAsync(claimed.Id, token).ConfigureAwait(false);
                    Interlocked.Increment(ref revived);
                }
                catch (PortwayException ex) when (ex.Error.Code == ErrorCode.NotFound)
                {
                    // Deregistered while being contacted.
                }
            }
        }).ConfigureAwait(false);
        return (retried, revived);
    }

    /// <summary>
    /// Records that <paramref name="state"/>'s retry of the node is being attempted (so no other sweep, on this host or
    /// another, attempts it too); null when the node moved on meanwhile or another sweep claimed it first.
    /// </summary>
    private async ValueTask<DirectoryEntry?> ClaimRetryAsync(string id, DirectoryNodeState state, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var stored = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Retried >= (byte)state || Lifecycle.StateAt(stored.LastSeen, _time.GetUtcNow()) != state)
            {
                return null;
            }

            var claimed = stored with { Retried = (byte)state };
            if (await _store.ReplaceAsync(stored, claimed, cancellationToken).ConfigureAwait(false))
            {
                return claimed;
            }
        }

        return null;
    }
}
