using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Egress;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Tells the network about directory changes over a WebSocket egress: a <c>directory.register</c>,
/// <c>directory.deregister</c> or <c>directory.sweep</c> stage with <c>with: { egress: NAME }</c> sends
/// <c>{"event":"registered"|"deregistered"|"swept", "data":{...}}</c> (the node answered, or the sweep) after it
/// succeeds, in the request's trace. The change itself never fails because of a notification: a refused one (queue
/// full) is logged and counted. That NAME is a websocket egress is a config check (FILE:LINE:COL).
/// </summary>
internal sealed partial class DirectoryNotifier(IPortwayEgress egress, PortwayConfig config, ILogger logger)
{
    private long _sent;
    private long _dropped;

    public long Sent => Interlocked.Read(ref _sent);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Notify<T>(NodeContext context, string @event, T data)
    {
        if (!config.Pipelines.TryGetValue(context.Pipeline, out var pipeline)
            || pipeline.Stages.FirstOrDefault(s => s.Name == context.Stage) is not { } stage
            || EgressOf(stage) is not { } name)
        {
            return;
        }

        var message = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["event"] = @event, ["data"] = JsonSerializer.SerializeToNode(data, NodeJson.Options) });
        var traceParent = context.TraceParent.Length > 0 ? context.TraceParent : context.TraceId.Length == 32 ? $"00-{context.TraceId}-{EnvelopeIds.NewSpanId()}-01" : "";
        try
        {
            var sent = egress.SendAsync(name, message, traceParent);
            if (!sent.IsCompletedSuccessfully)
            {
                _ = sent.AsTask(); // the port answers when queued; nothing to wait for here
            }

            Interlocked.Increment(ref _sent);
        }
        catch (PortwayException ex)
        {
            Interlocked.Increment(ref _dropped);
            NotificationDropped(logger, @event, name, ex.Error.Message);
        }
    }

    private static string? EgressOf(StageConfig stage) =>
        stage.With?["egress"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null;

    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "node directory: '{Event}' notification to egress {Egress} dropped: {Reason}")]
    private static partial void NotificationDropped(ILogger logger, string @event, string egress, string reason);
}
