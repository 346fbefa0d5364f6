using System.Text.Json;

namespace Portway.Internal.Routing;

/// <summary>Running a multi-stage DAG: the synchronous path, and the run of tasks it hands over to once a stage awaits.</summary>
internal sealed partial class PipelineRouter
{
    /// <summary>
    /// Runs a multi-stage DAG. Stages start in topological order on the caller's thread; while each one completes
    /// synchronously (in-process nodes that do not await) the next follows at once, with no task or run object per
    /// stage. Once a stage awaits, the rest runs as a <see cref="DagRun"/>: every stage whose predecessors are done runs
    /// concurrently with the others. The first error ends the run with that error and cancels the stages still running.
    /// </summary>
    /// <remarks>
    /// A stage's synchronous part runs on the thread that started it, as an async method's does: a node that blocks
    /// its thread (CPU-heavy work) holds back the stages started after it. Such a node belongs in a process group of
    /// its own (tcp_local workers), where its stages run concurrently; in this process, a node awaits.
    /// With <paramref name="sinkInputOnly"/> the sink is not run: the outcome is its input (a stream sink runs apart).
    /// </remarks>
    private ValueTask<StageOutcome> RunDagAsync(CompiledPipeline pipeline, Envelope request, string interfaceName, bool sinkInputOnly, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outcomes = new StageOutcome[pipeline.Graph.Stages.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var input = InputOf(pipeline, i, request, outcomes);
            if (input.Error is null && cts.IsCancellationRequested)
            {
                input = new StageOutcome(default, new PortwayError(ErrorCode.Unavailable, "the run was cancelled"));
            }

            if (input.Error is not null || (sinkInputOnly && i == pipeline.Graph.Sink))
            {
                cts.Dispose();
                return new ValueTask<StageOutcome>(input);
            }

            var stage = RunStageAsync(pipeline, i, request, input.Payload, interfaceName, cts.Token);
            if (!stage.IsCompleted)
            {
                return new ValueTask<StageOutcome>(RunRestAsync(new DagRun(this, pipeline, request, interfaceName, cts, sinkInputOnly, outcomes), i, stage));
            }

            var outcome = stage.Result;
            if (outcome.Error is not null)
            {
                cts.Dispose();
                return new ValueTask<StageOutcome>(outcome);
            }

            outcomes[i] = outcome;
        }

        cts.Dispose();
        return new ValueTask<StageOutcome>(outcomes[pipeline.Graph.Sink]);
    }

    private static async Task<StageOutcome> RunRestAsync(DagRun run, int started, ValueTask<StageOutcome> pending)
    {
        using (run.Cancellation)
        {
            var sink = await run.RunAsync(started, pending).ConfigureAwait(false);
            return run.FirstError is { } first ? new StageOutcome(default, first) : sink;
        }
    }

    /// <summary>
    /// Stage <paramref name="index"/>'s input once its predecessors are done (their outcomes in <paramref name="outcomes"/>):
    /// the request's payload for a source, a predecessor's output, or the fan-in object; an error outcome when a fan-in
    /// output is not JSON.
    /// </summary>
    private static StageOutcome InputOf(CompiledPipeline pipeline, int index, Envelope request, StageOutcome[] outcomes)
    {
        var predecessors = pipeline.Graph.Predecessors[index];
        if (predecessors.Length == 0)
        {
            return new StageOutcome(request.Payload, null);
        }

        var input = predecessors.Length == 1 ? outcomes[predecessors[0]].Payload : FanIn(pipeline, index, outcomes);
        return input.IsEmpty
            ? new StageOutcome(default, new PortwayError(ErrorCode.Internal, $"a predecessor of stage '{pipeline.Graph.Stages[index].Name}' answered with malformed JSON"))
            : new StageOutcome(input, null);
    }

    /// <summary>The fan-in input <c>{"name":output,...}</c>, written once into an array of its exact size; empty when an output is not one JSON value.</summary>
    private static ReadOnlyMemory<byte> FanIn(CompiledPipeline pipeline, int index, StageOutcome[] outcomes)
    {
        var predecessors = pipeline.Graph.Predecessors[index];
        var names = pipeline.PredecessorNames[index];
        var length = 1 + predecessors.Length; // '{', the commas and '}'
        for (var i = 0; i < predecessors.Length; i++)
        {
            var output = outcomes[predecessors[i]].Payload.Span;
            if (!IsOneJsonValue(output))
            {
                return default;
            }

            length += names[i].EncodedUtf8Bytes.Length + 3 + output.Length; // "name":output
        }

        var input = new byte[length];
        var at = 0;
        input[at++] = (byte)'{';
        for (var i = 0; i < predecessors.Length; i++)
        {
            if (i > 0)
            {
                input[at++] = (byte)',';
            }

            input[at++] = (byte)'"';
            names[i].EncodedUtf8Bytes.CopyTo(input.AsSpan(at));
            at += names[i].EncodedUtf8Bytes.Length;
            input[at++] = (byte)'"';
            input[at++] = (byte)':';
            var output = outcomes[predecessors[i]].Payload.Span;
            output.CopyTo(input.AsSpan(at));
            at += output.Length;
        }

        input[at] = (byte)'}';
        return input;
    }

    private static bool IsOneJsonValue(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The rest of a DAG run once a stage awaited: the stages before it are done (their outcomes given), that stage is
    /// pending, and every later stage starts as a task that awaits its predecessors.
    /// </summary>
    private sealed class DagRun(PipelineRouter router, CompiledPipeline pipeline, Envelope request, string interfaceName, CancellationTokenSource cts, bool sinkInputOnly, StageOutcome[] outcomes)
    {
        private readonly Task<StageOutcome>?[] _tasks = new Task<StageOutcome>?[pipeline.Graph.Stages.Length];
        private PortwayError? _firstError;

        public CancellationTokenSource Cancellation => cts;

        public PortwayError? FirstError => Volatile.Read(ref _firstError);

        public Task<StageOutcome> RunAsync(int started, ValueTask<StageOutcome> pending)
        {
            // Topological order: every predecessor is done or has its task before its successors' tasks are created.
            _tasks[started] = FinishAsync(started, pending);
            for (var i = started + 1; i < _tasks.Length; i++)
            {
                _tasks[i] = RunOneAsync(i);
            }

            return _tasks[pipeline.Graph.Sink] ?? Task.FromResult(outcomes[pipeline.Graph.Sink]);
        }

        private async Task<StageOutcome> FinishAsync(int index, ValueTask<StageOutcome> pending)
        {
            var outcome = await pending.ConfigureAwait(false);
            return Done(index, outcome);
        }

        private async Task<StageOutcome> RunOneAsync(int index)
        {
            foreach (var p in pipeline.Graph.Predecessors[index])
            {
                if (_tasks[p] is { } before && (await before.ConfigureAwait(false)).Error is { } error)
                {
                    return new StageOutcome(default, error);
                }
            }

            var input = InputOf(pipeline, index, request, outcomes);
            if (input.Error is { } malformed)
            {
                return Fail(malformed);
            }

            if (cts.IsCancellationRequested)
            {
                return new StageOutcome(default, FirstError ?? new PortwayError(ErrorCode.Unavailable, "the run was cancelled"));
            }

            if (sinkInputOnly && index == pipeline.Graph.Sink)
            {
                return input;
            }

            var outcome = await router.RunStageAsync(pipeline, index, request, input.Payload, interfaceName, cts.Token).ConfigureAwait(false);
            return Done(index, outcome);
        }

        /// <summary>Keeps a stage's output for its successors (before its task completes), or ends the run with its error.</summary>
        private StageOutcome Done(int index, StageOutcome outcome)
        {
            if (outcome.Error is { } error)
            {
                return Fail(error);
            }

            outcomes[index] = outcome;
            return outcome;
        }

        private StageOutcome Fail(PortwayError error)
        {
            if (Interlocked.CompareExchange(ref _firstError, error, null) is null)
            {
                cts.Cancel();
            }

            return new StageOutcome(default, FirstError);
        }
    }
}
