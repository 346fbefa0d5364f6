namespace Portway.Pipelines.Batches;

/// <summary>Stopping with the host, and what <see cref="BatchPersistence"/> reads and restores.</summary>
internal sealed partial class BatchProcessor
{
    /// <summary>
    /// Stops for the host's shutdown: no item starts any more, running items are cancelled and go back to
    /// <c>pending</c> (they run again after a restart; their batches are not cancelled). Safe to call twice.
    /// </summary>
    public void Stop()
    {
        var running = new List<CancellationTokenSource>();
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running == 0)
            {
                _idle.TrySetResult();
            }

            foreach (var batch in _batches.Values)
            {
                running.AddRange(batch.Items.Where(i => i.Running is not null).Select(i => i.Running!));
            }
        }

        foreach (var cts in running)
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished meanwhile.
            }
        }
    }

    /// <summary>Completes once no item runs any more after <see cref="Stop"/>.</summary>
    public Task WhenStoppedAsync()
    {
        lock (_lock)
        {
            return _idle?.Task ?? throw new InvalidOperationException("Stop was not called");
        }
    }

    /// <summary>The batch as it is stored, or null when the processor does not know it (any more).</summary>
    public BatchRecord? Record(string id)
    {
        lock (_lock)
        {
            return _batches.TryGetValue(id, out var batch) ? RecordLocked(batch) : null;
        }
    }

    /// <summary>Every batch as it is stored, in submission order.</summary>
    public IReadOnlyList<BatchRecord> Records()
    {
        lock (_lock)
        {
            return _batches.Values.OrderBy(b => b.Seq).Select(RecordLocked).ToArray();
        }
    }

    /// <summary>
    /// Takes back stored batches (those it already knows are skipped): final items keep their status, result or error
    /// (a computed result is reusable again); the others queue again at their batch's priority in submission order,
    /// or end <c>cancelled</c> when their batch was. Answers how many items queue again.
    /// </summary>
    public int Restore(IReadOnlyList<BatchRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var queued = 0;
        List<BatchItem> start;
        lock (_lock)
        {
            foreach (var record in records.OrderBy(r => r.Seq))
            {
                if (_batches.ContainsKey(record.Id) || record.Priority is < MinPriority or > MaxPriority || record.Items.Count == 0)
                {
                    continue;
                }

                var batch = new Batch(record.Id, record.Priority) { TraceParent = record.TraceParent, Seq = record.Seq, Cancelled = record.Cancelled };
                batch.Items = record.Items.Select((saved, i) => new BatchItem(batch, i, saved.Content, saved.Hash)).ToArray();
                _seq = Math.Max(_seq, record.Seq);
                _batches.Add(batch.Id, batch);
                _batchOrder.Enqueue(batch);
                for (var i = 0; i < batch.Items.Length; i++)
                {
                    var (item, saved) = (batch.Items[i], record.Items[i]);
                    if (BatchItemStatus.IsFinal(saved.Status))
                    {
                        item.Status = saved.Status;
                        item.Result = saved.Result;
                        item.Error = saved.Error is { } e ? new PortwayError(e.Code, e.Message) : null;
                        item.Cached = saved.Cached;
                        batch.FinalCount++;
                        batch.Events.Add(new BatchProgress(batch.Id, i, item.Status, item.Cached ? true : null, item.Result, saved.Error, batch.FinalCount, batch.Items.Length));
                        if (saved is { Status: BatchItemStatus.Done, Cached: false, Result: { } result })
                        {
                            _cache.Add(item.Hash, result);
                        }
                    }
                    else if (batch.Cancelled)
                    {
                        FinishLocked(item, BatchItemStatus.Cancelled, null, null, cached: false);
                    }
                    else
                    {
                        _queues[batch.Priority].Enqueue(item);
                        _waiting[batch.Priority]++;
                        queued++;
                    }
                }
            }

            start = PumpLocked();
        }

        Start(start);
        return queued;
    }

    private static BatchRecord RecordLocked(Batch batch) =>
        new(batch.Id, batch.Priority, batch.Seq, batch.TraceParent, batch.Cancelled,
            batch.Items.Select(i => new BatchItemRecord(i.Content, i.Hash, BatchItemStatus.IsFinal(i.Status) ? i.Status : BatchItemStatus.Pending, i.Result, ItemError.Of(i.Error), i.Cached)).ToArray());
}
