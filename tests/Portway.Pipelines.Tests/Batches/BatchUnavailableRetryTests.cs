using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.Batches;

namespace Portway.Pipelines.Tests.Batches;

/// <summary>An item answered <c>unavailable</c> (no ready worker for its stage yet) waits on the clock and is tried again, a bounded number of times.</summary>
public sealed class BatchUnavailableRetryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Advances the fake clock past any backoff until the batch is finished.</summary>
    private async Task<BatchView> FinishedAsync(BatchProcessor processor, string id)
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (processor.Get(id).Status is not ("completed" or "cancelled"))
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(5, cts.Token);
        }

        return processor.Get(id);
    }

    [Fact]
    public async Task Unavailable_IsTriedAgainAfterABackoff_UntilTheStageAnswers()
    {
        var flaky = new UnavailableFor(2);
        using var processor = new BatchProcessor(flaky, 1, _clock);

        var batch = await FinishedAsync(processor, processor.Submit([JsonSerializer.SerializeToElement("x")], 5).Id);

        Assert.Equal("done", batch.Items[0].Status);
        Assert.Equal(3, flaky.Calls);
    }

    [Fact]
    public async Task Unavailable_AfterTheLastRetry_FailsTheItemWithIt_AndTheOthersRun()
    {
        var flaky = new UnavailableFor(int.MaxValue, except: "fine");
        using var processor = new BatchProcessor(flaky, 1, _clock);

        var batch = await FinishedAsync(processor, processor.Submit([JsonSerializer.SerializeToElement("down"), JsonSerializer.SerializeToElement("fine")], 5).Id);

        Assert.Equal(("failed", "unavailable"), (batch.Items[0].Status, batch.Items[0].Error!.Code));
        Assert.Equal("done", batch.Items[1].Status);
        Assert.Equal(BatchProcessor.MaxUnavailableRetries + 2, flaky.Calls);
    }

    [Fact]
    public void Backoff_DoublesFrom250Ms_UpTo5s()
    {
        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000], Enumerable.Range(0, 7).Select(a => BatchProcessor.UnavailableBackoff(a).TotalMilliseconds));
    }

    /// <summary>Answers <c>unavailable</c> the first <c>failures</c> times for every item but <c>except</c>, then the item.</summary>
    private sealed class UnavailableFor(int failures, string except = "") : IBatchItemProcessor
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<JsonElement> ProcessAsync(JsonElement item, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            return item.GetString() != except && call <= failures
                ? throw new PortwayException(ErrorCode.Unavailable, "no ready worker for process group 'cpu'")
                : ValueTask.FromResult(item);
        }
    }
}
