using Portway;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines;

namespace Portway.Bench.Baseline;

/// <summary>
/// Runs the example pipeline's <c>voice.extract</c> then <c>voice.compare</c> nodes in a row, in process,
/// through their public <see cref="INode"/> contract: the business work of the feedback endpoint without the runtime.
/// </summary>
internal sealed class VoiceFeedback
{
    private readonly INode _extract;
    private readonly INode _compare;

    public VoiceFeedback(IServiceProvider services)
    {
        var dataDir = Environment.GetEnvironmentVariable("PORTWAY_DATA_DIR") ?? "./data";
        var config = new PortwayConfig();
        config.Runtime.Platform.DataDir = dataDir;
        var nodes = NodeDiscovery.FromAssembly(PipelineNodes.Assembly).ToDictionary(r => r.Name, r => r.NodeType, StringComparer.Ordinal);
        _extract = Create(services, nodes["voice.extract"], config);
        _compare = Create(services, nodes["voice.compare"], config);
    }

    public async Task<IResult> RunAsync(byte[] body, CancellationToken cancellationToken)
    {
        var extracted = await _extract.InvokeAsync(Context(body, "extract"), cancellationToken);
        if (!extracted.IsSuccess)
        {
            return Fail(extracted.Error!);
        }

        var compared = await _compare.InvokeAsync(Context(extracted.Payload, "compare"), cancellationToken);
        return compared.IsSuccess ? Results.Bytes(compared.Payload, "application/json") : Fail(compared.Error!);
    }

    private static IResult Fail(PortwayError error) =>
        Results.Json(new { error = new { code = error.Code, message = error.Message } }, statusCode: ErrorCode.ToHttpStatus(error.Code));

    private static NodeContext Context(ReadOnlyMemory<byte> input, string stage) => new()
    {
        Input = input,
        Pipeline = "feedback",
        Stage = stage,
        TraceId = "",
        RequestId = "",
    };

    private static INode Create(IServiceProvider services, Type type, PortwayConfig config) =>
        (INode)ActivatorUtilities.CreateInstance(services, type, type.GetConstructor([typeof(PortwayConfig)]) is not null ? [config] : []);
}
