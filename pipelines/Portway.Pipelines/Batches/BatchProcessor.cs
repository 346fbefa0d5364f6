using System.Text.Json;
using System.Threading.Channels;

namespace Portway.Pipelines.Batches;

/// <summary>
/// Runs batches of items on a bounded pool: at most <see cref="Concurrency"/> items compute at once; a waiting
/// item of a higher priority (9 is the most urgent) always starts before one of a lower priority, first come
/// first served within a priority. Items are deduplicated by content hash: a result computed before, or being
/// computed for an identical item right now, is reused and counted as a cache hit. A failed item is reported with
/// its error and the others go on. Cancel stops the batch's waiting items and cancels its running ones. Every
/// item reaching its final status is a progress event. Thread-safe: one lock; nodes never wait under it.
/// </summary>
internal sealed partial class BatchProcessor : IDisposable
{
    public const int MinPriority = 0;
    public const int MaxPriority = 9;
    public const int DefaultPriority = 5;
    public const int MaxItems = 1000;

    /// <summary>How many times an item answered <c>unavailable</c> is tried again (about 43 s of waiting in all).</summary>
    public const int MaxUnavailableRetries = 12;

    /// <summary>How many batches are kept (the oldest finished ones are forgotten past it).</summary>
    public const int MaxBatches = 1000;

    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly IBatchItemProcessor _processor;
    private readonly TimeProvider _time;
    private readonly Queue<BatchItem>[] _queues = Enumerable.Range(0, MaxPriority + 1).Select(_ => new Queue<BatchItem>()).ToArray();
    private readonly int[] _waiting = new int[MaxPriority + 1];
    private readonly Dictionary<string, Batch> _batches = new(StringComparer.Ordinal);
    private readonly Queue<Batch> _batchOrder = new();
    private readonly Dictionary<string, List<BatchItem>> _inFlight = new(StringComparer.Ordinal);
    private readonly ResultCache _cache;
    private readonly Queue<long> _finishedAt = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationToken _stopping;
    private long _hits;
    private long _computed;
    private int _running;
    private long _seq;
    private bool _stopped;
    private TaskCompletionSource? _idle;

    public BatchProcessor(IBatchItemProcessor processor, int concurrency, TimeProvider time, int cacheCapacity = 10_000, BatchDelivery? delivery = null)
    {
        _stopping = _shutdown.Token;
        Delivery = delivery;
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        Concurrency = concurrency;
        _cache = new ResultCache(cacheCapacity);
    }

    /// <summary>Where finished batches go, or null.</summary>
    public BatchDelivery? Delivery { get; }

    /// <summary>Where batches are kept across restarts (the kv port, a snapshot on the memory backend), or null.</summary>
    public BatchPersistence? Persistence { get; init; }

    /// <summary>The most items computing at once.</summary>
    public int Concurrency { get; }

    /// <summary>Submits <paramref name="items"/> (1 to <see cref="MaxItems"/>) at <paramref name="priority"/> (0 to 9); answers the new batch.</summary>
    /// <param name="items">The items.</param>
    /// <param name="priority">0 to 9 (defaults to 5).</param>
    /// <param name="traceParent">The submitting request's <c>traceparent</c>, carried by the delivery of the finished batch.</param>
    public BatchView Submit(IReadOnlyList<JsonElement>? items, int? priority, string traceParent = "")
    {
        if (items is not { Count: > 0 and <= MaxItems })
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"items is required: a list of 1 to {MaxItems} items");
        }

        var level = priority ?? DefaultPriority;
        if (level is < MinPriority or > MaxPriority)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"priority must be an integer from {MinPriority} to {MaxPriority}");
        }

        var batch = new Batch(Guid.NewGuid().ToString("N"), level) { TraceParent = traceParent, Seq = Interlocked.Increment(ref _seq) };
        batch.Items = items.Select((item, i) => new BatchItem(batch, i, item.Clone(), ContentHash.Of(item))).ToArray();
        List<BatchItem> start;
        BatchView view;
        lock (_lock)
        {
            _batches.Add(batch.Id, batch);
            Persistence?.Changed(batch.Id);
            _batchOrder.Enqueue(batch);
            ForgetOldBatchesLocked();
            foreach (var item in batch.Items)
            {
                if (_cache.TryGet(item.Hash, out var cached))
                {
                    _hits++;
                    FinishLocked(item, BatchItemStatus.Done, cached, null, cached: true);
                    continue;
                }

                _queues[level].Enqueue(item);
                _waiting[level]++;
            }

            start = PumpLocked();
            view = ViewLocked(batch);
        }

        Start(start);
        return view;
    }

    /// <summary>The batch's status, counts and items; <c>not_found</c> for an unknown id.</summary>
    public BatchView Get(string? id)
    {
        lock (_lock)
        {
            return ViewLocked(Find(id));
        }
    }

    /// <summary>Cancels the batch: waiting items stop, running ones are cancelled. Answers the batch after it.</summary>
    public BatchView Cancel(string? id)
    {
        var cancel = new List<CancellationTokenSource>();
        BatchView view;
        lock (_lock)
        {
            var batch = Find(id);
            batch.Cancelled = true;
            Persistence?.Changed(batch.Id);
            foreach (var item in batch.Items)
            {
                if (item.Status == BatchItemStatus.Pending)
                {
                    _waiting[batch.Priority]--;
                    FinishLocked(item, BatchItemStatus.Cancelled, null, null, cached: false);
                }
                else if (item.Status == BatchItemStatus.Running && item.Running is { } running)
                {
                    cancel.Add(running);
                }
                else if (item.Status == BatchItemStatus.Running)
                {
                    // Waiting for an identical item's result: it stops waiting.
                    _inFlight[item.Hash].Remove(item);
                    FinishLocked(item, BatchItemStatus.Cancelled, null, null, cached: false);
                }
            }

            view = ViewLocked(batch);
        }

        foreach (var running in cancel)
        {
            try
            {
                running.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished meanwhile.
            }
        }

        return view;
    }

    /// <summary>
    /// The batch's progress: every event so far, then each new one as it happens, ending when every item is final.
    /// </summary>
    public async IAsyncEnumerable<BatchProgress> ProgressAsync(string? id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Batch batch;
        BatchProgress[] replay;
        Channel<BatchProgress>? live = null;
        lock (_lock)
        {
            batch = Find(id);
            replay = [.. batch.Events];
            if (!batch.Finished)
            {
                live = Channel.CreateUnbounded<BatchProgress>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
                batch.Subscribers.Add(live);
            }
        }

        foreach (var progress in replay)
        {
            yield return progress;
        }

        if (live is null)
        {
            yield break;
        }

        try
        {
            await foreach (var progress in live.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return progress;
            }
        }
        finally
        {
            lock (_lock)
            {
                batch.Subscribers.Remove(live);
            }
        }
    }

    /// <summary>Items per second over the last minute, cache hit rate, queue depth per priority.</summary>
    public BatchMetrics Metrics()
    {
        lock (_lock)
        {
            TrimRateLocked();
            var decided = _hits + _computed;
            return new BatchMetrics(
                Math.Round(_finishedAt.Count / RateWindow.TotalSeconds, 3),
                decided == 0 ? 0 : Math.Round((double)_hits / decided, 4),
                _hits,
                _computed,
                Enumerable.Range(0, MaxPriority + 1).ToDictionary(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture), p => _waiting[p], StringComparer.Ordinal),
                _running,
                Concurrency,
                Delivery?.Delivered,
                Delivery?.Failed);
        }
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    private Batch Find(string? id) =>
        id is not null && _batches.TryGetValue(id, out var batch)
            ? batch
            : throw new PortwayException(ErrorCode.NotFound, $"batch '{id}' does not exist");
}
