using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>The pool: which item runs next, running it, and what its end does to the batch.</summary>
internal sealed partial class BatchProcessor
{
    /// <summary>Takes waiting items, most urgent first, while the pool has room; answers the ones to start.</summary>
    private List<BatchItem> PumpLocked()
    {
        var start = new List<BatchItem>();
        while (!_stopped && _running < Concurrency && DequeueLocked() is { } item)
        {
            if (_cache.TryGet(item.Hash, out var cached))
            {
                _hits++;
                FinishLocked(item, BatchItemStatus.Done, cached, null, cached: true);
                continue;
            }

            item.Status = BatchItemStatus.Running;
            if (_inFlight.TryGetValue(item.Hash, out var followers))
            {
                // An identical item is computing: wait for its result, without taking a place in the pool.
                followers.Add(item);
                continue;
            }

            _inFlight.Add(item.Hash, []);
            item.Running = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            _running++;
            _computed++;
            start.Add(item);
        }

        return start;
    }

    private BatchItem? DequeueLocked()
    {
        for (var priority = MaxPriority; priority >= MinPriority; priority--)
        {
            var queue = _queues[priority];
            while (queue.TryDequeue(out var item))
            {
                // A cancelled item stays queued until it is reached; it is skipped here.
                if (item.Status == BatchItemStatus.Pending)
                {
                    _waiting[priority]--;
                    return item;
                }
            }
        }

        return null;
    }

    private void Start(List<BatchItem> items)
    {
        foreach (var item in items)
        {
            _ = Task.Run(() => RunAsync(item));
        }
    }

    private async Task RunAsync(BatchItem item)
    {
        var token = item.Running!.Token;
        JsonElement result = default;
        PortwayError? error = null;
        var cancelled = false;
        try
        {
            result = await ProcessAsync(item, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (PortwayException ex)
        {
            error = ex.Error;
        }
#pragma warning disable CA1031 // One item's bug fails that item, never the batch or the pool.
        catch (Exception)
#pragma warning restore CA1031
        {
            error = new PortwayError(ErrorCode.Internal, $"item {item.Index} failed unexpectedly");
        }

        List<BatchItem> start;
        lock (_lock)
        {
            _running--;
            item.Running!.Dispose();
            item.Running = null;
            _inFlight.Remove(item.Hash, out var followers);
            if (_stopped && _running == 0)
            {
                _idle?.TrySetResult();
            }

            if (_stopped && (cancelled || error is not null) && !item.Batch.Cancelled)
            {
                // Interrupted by the host stopping (not by its batch's cancel): it, and whoever waited for it, run again after a restart.
                foreach (var waiting in followers!.Prepend(item))
                {
                    waiting.Status = BatchItemStatus.Pending;
                    Persistence?.Changed(waiting.Batch.Id);
                }
            }
            else if (cancelled)
            {
                FinishLocked(item, BatchItemStatus.Cancelled, null, null, cached: false);
                foreach (var follower in followers!)
                {
                    // Their own batches did not cancel them: they wait again, at their priority.
                    follower.Status = BatchItemStatus.Pending;
                    _queues[follower.Batch.Priority].Enqueue(follower);
                    _waiting[follower.Batch.Priority]++;
                }
            }
            else if (error is null)
            {
                _cache.Add(item.Hash, result);
                FinishLocked(item, BatchItemStatus.Done, result, null, cached: false);
                foreach (var follower in followers!)
                {
                    _hits++;
                    FinishLocked(follower, BatchItemStatus.Done, result, null, cached: true);
                }
            }
            else
            {
                FinishLocked(item, BatchItemStatus.Failed, null, error, cached: false);
                foreach (var follower in followers!)
                {
                    FinishLocked(follower, BatchItemStatus.Failed, null, error, cached: false);
                }
            }

            start = PumpLocked();
        }

        Start(start);
    }

    /// <summary>
    /// Runs the item; an <c>unavailable</c> answer (no ready worker for its stage yet, after a start or a restart; a
    /// breaker open) is tried again after <see cref="UnavailableBackoff"/>, up to <see cref="MaxUnavailableRetries"/>
    /// times, holding the item's place in the pool; then the item fails with it.
    /// </summary>
    private async Task<JsonElement> ProcessAsync(BatchItem item, CancellationToken token)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _processor.ProcessAsync(item.Content, token).ConfigureAwait(false);
            }
            catch (PortwayException ex) when (ex.Error.Code == ErrorCode.Unavailable && attempt < MaxUnavailableRetries && !token.IsCancellationRequested)
            {
                await Task.Delay(UnavailableBackoff(attempt), _time, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The wait before retry <paramref name="attempt"/> (0-based) of an unavailable item: 250 ms, doubling, at most 5 s.</summary>
    public static TimeSpan UnavailableBackoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, attempt), 5_000));

    /// <summary>Puts <paramref name="item"/> in its final status and tells the batch's subscribers.</summary>
    private void FinishLocked(BatchItem item, string status, JsonElement? result, PortwayError? error, bool cached)
    {
        item.Status = status;
        item.Result = result;
        item.Error = error;
        item.Cached = cached;
        var batch = item.Batch;
        batch.FinalCount++;
        Persistence?.Changed(batch.Id);
        if (status != BatchItemStatus.Cancelled)
        {
            _finishedAt.Enqueue(_time.GetUtcNow().UtcTicks);
            TrimRateLocked();
        }

        var progress = new BatchProgress(batch.Id, item.Index, status, cached ? true : null, result, ItemError.Of(error), batch.FinalCount, batch.Items.Length);
        batch.Events.Add(progress);
        foreach (var subscriber in batch.Subscribers)
        {
            subscriber.Writer.TryWrite(progress);
            if (batch.Finished)
            {
                subscriber.Writer.TryComplete();
            }
        }

        if (batch.Finished && Delivery is { } delivery)
        {
            var view = ViewLocked(batch);
            _ = Task.Run(() => delivery.DeliverAsync(view, batch.TraceParent, _stopping));
        }
    }

    private void TrimRateLocked()
    {
        var since = (_time.GetUtcNow() - RateWindow).UtcTicks;
        while (_finishedAt.TryPeek(out var at) && at <= since)
        {
            _finishedAt.Dequeue();
        }
    }

    private void ForgetOldBatchesLocked()
    {
        while (_batchOrder.Count > MaxBatches && _batchOrder.Peek().Finished)
        {
            var forgotten = _batchOrder.Dequeue().Id;
            _batches.Remove(forgotten);
            Persistence?.Changed(forgotten);
        }
    }

    private BatchView ViewLocked(Batch batch)
    {
        int pending = 0, running = 0, done = 0, failed = 0, cancelled = 0, hits = 0;
        var items = new BatchItemView[batch.Items.Length];
        foreach (var item in batch.Items)
        {
            switch (item.Status)
            {
                case BatchItemStatus.Pending: pending++; break;
                case BatchItemStatus.Running: running++; break;
                case BatchItemStatus.Done: done++; break;
                case BatchItemStatus.Failed: failed++; break;
                default: cancelled++; break;
            }

            if (item.Cached)
            {
                hits++;
            }

            items[item.Index] = new BatchItemView(item.Index, item.Status, item.Cached ? true : null, item.Result, ItemError.Of(item.Error));
        }

        var status = batch.Cancelled ? "cancelled"
            : batch.Finished ? "completed"
            : pending == batch.Items.Length ? "pending"
            : "running";
        return new BatchView(batch.Id, batch.Priority, status, new BatchCounts(batch.Items.Length, pending, running, done, failed, cancelled, hits), items);
    }
}
