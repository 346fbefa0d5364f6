using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Portway.Pipelines.Batches;

namespace Portway.Pipelines.Tests.Batches;

/// <summary>
/// A processor the test drives: each item (a string) reports its start, then waits until the test releases it.
/// An item starting with "fail:" fails with the rest as message. The result is <c>{"echo":ITEM}</c>.
/// </summary>
internal sealed class GatedProcessor(bool gated = true) : IBatchItemProcessor
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly Channel<string> _started = Channel.CreateUnbounded<string>();
    private int _running;

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public int MaxRunning { get; private set; }

    public int Calls { get; private set; }

    public async ValueTask<JsonElement> ProcessAsync(JsonElement item, CancellationToken cancellationToken)
    {
        var text = item.GetString()!;
        lock (_gates)
        {
            Calls++;
            MaxRunning = Math.Max(MaxRunning, ++_running);
        }

        try
        {
            _started.Writer.TryWrite(text);
            if (gated)
            {
                try
                {
                    await Gate(text).Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled.Enqueue(text);
                    throw;
                }
            }

            return text.StartsWith("fail:", StringComparison.Ordinal)
                ? throw new PortwayException(ErrorCode.ValidationFailed, text[5..])
                : JsonSerializer.SerializeToElement(new { echo = text });
        }
        finally
        {
            lock (_gates)
            {
                _running--;
            }
        }
    }

    public void Release(string item) => Gate(item).TrySetResult();

    /// <summary>The next item that started.</summary>
    public async Task<string> NextStartAsync() => await _started.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>True when no further item started (reading what already did).</summary>
    public bool NoneStarted() => !_started.Reader.TryPeek(out _);

    private TaskCompletionSource Gate(string item) => _gates.GetOrAdd(item, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
