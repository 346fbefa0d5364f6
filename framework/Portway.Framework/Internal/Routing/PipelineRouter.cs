using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Portway.Internal.Observability;
using Portway.Internal.Security;
using Portway.Observability;
using Portway.Transport;

namespace Portway.Internal.Routing;

/// <summary>
/// Runs a pipeline's DAG for a request envelope. Sources take the request payload; a stage with one
/// predecessor takes its output; a stage with several takes a JSON object keyed by predecessor name
/// (fan-in). Stages whose predecessors are done run in parallel (fan-out). The sink's output is the
/// reply. The first stage error ends the run with that error and cancels the stages still running.
/// </summary>
internal sealed partial class PipelineRouter(RoutingTable table, StageTransports transports, PortwayTelemetry telemetry, PortwayTracer tracer)
{
    /// <summary>The W3C trace context header every hop carries.</summary>
    public const string TraceParentHeader = Envelope.TraceParentHeader;

    /// <summary>Runs the pipeline <paramref name="request"/>'s route names; returns a reply or an error envelope.</summary>
    public async Task<Envelope> RunAsync(Envelope request, string interfaceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!table.TryGet(request.Route, out var pipeline))
        {
            return Error(request, new PortwayError(ErrorCode.NotFound, $"no pipeline '{request.Route}'"));
        }

        if (pipeline.IsStream)
        {
            return Error(request, new PortwayError(ErrorCode.Internal, $"pipeline '{request.Route}' streams; it is served on the stream port only"));
        }

        if (pipeline.Graph.Stages.Length == 1)
        {
            var only = await RunStageAsync(pipeline, 0, request, request.Payload, interfaceName, cancellationToken).ConfigureAwait(false);
            return Answer(request, only);
        }

        return Answer(request, await RunDagAsync(pipeline, request, interfaceName, sinkInputOnly: false, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs the stream pipeline <paramref name="request"/>'s route names: the stages before the sink as in
    /// <see cref="RunAsync"/>, then the sink's stream. Yields <see cref="EnvelopeKind.StreamItem"/> answers in
    /// order, then exactly one final answer: <see cref="EnvelopeKind.StreamEnd"/> or <see cref="EnvelopeKind.Error"/>.
    /// Cancellation stops the stream and throws.
    /// </summary>
    public async IAsyncEnumerable<Envelope> StreamAsync(Envelope request, string interfaceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!table.TryGet(request.Route, out var pipeline))
        {
            yield return Error(request, new PortwayError(ErrorCode.NotFound, $"no pipeline '{request.Route}'"));
            yield break;
        }

        if (!pipeline.IsStream)
        {
            yield return Error(request, new PortwayError(ErrorCode.Internal, $"pipeline '{request.Route}' answers once; it is served on the request/response port only"));
            yield break;
        }

        var sinkIndex = pipeline.Graph.Sink;
        var input = request.Payload;
        if (pipeline.Graph.Stages.Length > 1)
        {
            var before = await RunDagAsync(pipeline, request, interfaceName, sinkInputOnly: true, cancellationToken).ConfigureAwait(false);
            if (before.Error is { } error)
            {
                yield return Error(request, error);
                yield break;
            }

            input = before.Payload;
        }

        var sink = pipeline.Graph.Stages[sinkIndex];
        if (!transports.TryGet(sink.Group, out var transport) || transport is not IStreamStageTransport streams)
        {
            yield return Error(request, new PortwayError(ErrorCode.Unavailable, $"no stream transport reaches process group '{sink.Group}'"));
            yield break;
        }

        var hop = BuildHop(pipeline, sinkIndex, request, input, InProcess(streams));
        using var activity = StartStageActivity(pipeline, sinkIndex, request, hop);
        telemetry.Emit(new BoundaryEvent(BoundaryEventKind.RoutingHandoff, request.TraceId, request.RequestId, interfaceName, pipeline.Name, sink.Name));
        await foreach (var answer in streams.StreamAsync(hop, cancellationToken).ConfigureAwait(false))
        {
            if (answer.Kind == EnvelopeKind.Error)
            {
                var streamError = answer.ReadError();
                activity?.SetStatus(ActivityStatusCode.Error, streamError.Code);
                yield return request.CreateError(streamError);
                yield break;
            }

            yield return request.CreateAnswer(EnvelopeKind.StreamItem, answer.Payload);
        }

        yield return request.CreateAnswer(EnvelopeKind.StreamEnd, ReadOnlyMemory<byte>.Empty);
    }

    private static Envelope Answer(Envelope request, StageOutcome outcome) => outcome.Error is { } error
        ? Error(request, error)
        : request.CreateAnswer(EnvelopeKind.Reply, outcome.Payload);

    private static Envelope Error(Envelope request, PortwayError error) => request.CreateError(error);

    private async ValueTask<StageOutcome> RunStageAsync(CompiledPipeline pipeline, int index, Envelope request, ReadOnlyMemory<byte> input, string interfaceName, CancellationToken cancellationToken)
    {
        var stage = pipeline.Graph.Stages[index];
        if (!transports.TryGet(stage.Group, out var transport))
        {
            return new StageOutcome(default, new PortwayError(ErrorCode.Unavailable, $"no transport reaches process group '{stage.Group}'"));
        }

        var hop = BuildHop(pipeline, index, request, input, InProcess(transport));
        using var activity = StartStageActivity(pipeline, index, request, hop);
        telemetry.Emit(new BoundaryEvent(BoundaryEventKind.RoutingHandoff, request.TraceId, request.RequestId, interfaceName, pipeline.Name, stage.Name));
        try
        {
            var answer = await transport.SendAsync(hop, cancellationToken).ConfigureAwait(false);
            if (answer.Kind == EnvelopeKind.Error)
            {
                var error = answer.ReadError();
                activity?.SetStatus(ActivityStatusCode.Error, error.Code);
                return new StageOutcome(default, error);
            }

            return new StageOutcome(answer.Payload, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StageOutcome(default, new PortwayError(ErrorCode.Unavailable, $"stage '{stage.Name}' was cancelled"));
        }
    }

    /// <summary>
    /// The stage request for stage <paramref name="index"/>: its route, correlation and node headers, and its input (with
    /// <c>with</c> merged under it). A hop that stays in this process unsigned (<paramref name="inProcess"/>) carries its
    /// stage and trace context as objects (<see cref="InProcessStage"/>), not in headers; nothing reads its id, so it draws none.
    /// </summary>
    private static Envelope BuildHop(CompiledPipeline pipeline, int index, Envelope request, ReadOnlyMemory<byte> input, bool inProcess)
    {
        var stage = pipeline.Graph.Stages[index];
        if (pipeline.With[index] is { } with)
        {
            input = MergeUnder(with, input);
        }

        var hop = Envelope.WithNewId();
        hop.Kind = EnvelopeKind.Request;
        hop.Route = pipeline.Routes[index];
        hop.TraceId = request.TraceId;
        hop.RequestId = request.RequestId;
        hop.ReplyTo = request.ReplyTo;
        hop.Tenant = request.Tenant;
        hop.Identity = request.Identity;
        hop.Deadline = request.Deadline;
        hop.Payload = input;
        if (inProcess)
        {
            hop.InProcessStage = pipeline.InProcess[index];
            return hop; // the identity is on the hop as an object; a deadline header is for queueing transports only
        }

        hop.Headers = new Dictionary<string, string>(6, StringComparer.Ordinal)
        {
            [StageExecutor.PipelineHeader] = pipeline.Name,
            [StageExecutor.StageHeader] = stage.Name,
            [StageExecutor.NodeHeader] = stage.Node,
        };
        if (request.HeaderCount > 0 && request.Headers.TryGetValue(StageHop.DeadlineHeader, out var deadline))
        {
            hop.Headers[StageHop.DeadlineHeader] = deadline;
        }

        IdentityHeaders.Apply(hop, hop.Identity);
        return hop;
    }

    /// <summary>True when <paramref name="transport"/> hands hops over as objects in this process (the memory transport, unsigned).</summary>
    private static bool InProcess(IStageTransport transport) => transport is MemoryStageTransport { SignsHops: false };

    /// <summary>Opens the stage's span (child of the request's) and carries its context on <paramref name="hop"/>'s <c>traceparent</c>.</summary>
    private Activity? StartStageActivity(CompiledPipeline pipeline, int index, Envelope request, Envelope hop)
    {
        var stage = pipeline.Graph.Stages[index];
        string? incoming = null;
        if (request.HeaderCount > 0)
        {
            request.Headers.TryGetValue(TraceParentHeader, out incoming);
        }

        var current = Activity.Current?.Context;
        ActivityContext parent = default;
        if (current is null)
        {
            ActivityContext.TryParse(incoming, null, isRemote: false, out parent);
        }

        var activity = tracer.StartActivity("portway.stage", hop.Route, ActivityKind.Internal, current ?? parent);
        string? traceParent = incoming;
        if (activity is not null)
        {
            activity.SetTag("portway.stage", stage.Name);
            activity.SetTag("portway.node", stage.Node);
            activity.SetTag("portway.group", stage.Group);
            activity.SetTag("portway.request_id", request.RequestId);
            traceParent = "00-" + activity.TraceId.ToHexString() + "-" + activity.SpanId.ToHexString() + (activity.Recorded ? "-01" : "-00");
        }

        if (traceParent is not null)
        {
            if (hop.InProcessStage is not null)
            {
                hop.InProcessTraceParent = traceParent;
            }
            else
            {
                hop.Headers[TraceParentHeader] = traceParent;
            }
        }

        return activity;
    }

    /// <summary>Merges a stage's <c>with</c> object under its input (input keys win); a non-object input is left alone.</summary>
    private static ReadOnlyMemory<byte> MergeUnder(byte[] with, ReadOnlyMemory<byte> input)
    {
        using var withDoc = JsonDocument.Parse(with);
        JsonDocument inputDoc;
        try
        {
            inputDoc = JsonDocument.Parse(input);
        }
        catch (JsonException)
        {
            return input;
        }

        using (inputDoc)
        {
            if (inputDoc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return input;
            }

            var buffer = new ArrayBufferWriter<byte>(with.Length + input.Length);
            using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
            {
                writer.WriteStartObject();
                foreach (var property in withDoc.RootElement.EnumerateObject())
                {
                    if (!inputDoc.RootElement.TryGetProperty(property.Name, out _))
                    {
                        property.WriteTo(writer);
                    }
                }

                foreach (var property in inputDoc.RootElement.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            return buffer.WrittenMemory;
        }
    }

    private readonly record struct StageOutcome(ReadOnlyMemory<byte> Payload, PortwayError? Error);
}
