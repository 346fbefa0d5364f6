using Microsoft.Extensions.Hosting;
using Portway.Pipelines.Batches;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines;

/// <summary>
/// Loads the node directory and the batches before the host serves (the batches' waiting items run again), checks
/// the batch settings, creates the batch gauges; when the host begins stopping, stops the batch processor (its running
/// items go back to waiting, so the drain does not wait for them); at stop writes both out.
/// </summary>
internal sealed class PipelineHostedService(NodeDirectoryService directory, BatchProcessor batches, BatchMeters meters, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = meters;
        _stopping = lifetime.ApplicationStopping.Register(batches.Stop);
        await directory.StartAsync(cancellationToken).ConfigureAwait(false);
        if (batches.Persistence is { } batchPersistence)
        {
            await batchPersistence.LoadAsync(batches, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        batches.Stop();
        try
        {
            await batches.WhenStoppedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: write what is known now.
        }

        await directory.StopAsync().ConfigureAwait(false);
        if (batches.Persistence is { } batchPersistence)
        {
            await batchPersistence.FlushAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();
}
