using Microsoft.Extensions.Hosting;
using Portway.Pipelines.Batches;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines;

/// <summary>Loads the node directory before the host serves, checks the batch settings, creates the batch gauges, and writes the directory out when the host stops.</summary>
internal sealed class PipelineHostedService(NodeDirectoryService directory, BatchProcessor batches, BatchMeters meters) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = batches.Concurrency;
        _ = meters;
        return directory.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => directory.StopAsync();
}
