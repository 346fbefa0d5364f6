using System.Text;
using System.Text.Json;
using Portway.Nodes;

namespace Portway.Pipelines.Tests.VoiceProfiles;

/// <summary>Runs a node the way the runtime does: JSON bytes in, a <see cref="NodeResult"/> out.</summary>
internal static class NodeCall
{
    public static ValueTask<NodeResult> InvokeAsync(INode node, string json) =>
        node.InvokeAsync(
            new NodeContext
            {
                Input = Encoding.UTF8.GetBytes(json),
                Pipeline = "test",
                Stage = "test",
                TraceId = "0af7651916cd43dd8448eb211c80319c",
                RequestId = "req-1",
            },
            CancellationToken.None);

    public static ValueTask<NodeResult> InvokeAsync(INode node, object input) =>
        InvokeAsync(node, JsonSerializer.Serialize(input));

    /// <summary>Asserts success and returns the output.</summary>
    public static async Task<JsonElement> OkAsync(INode node, object input)
    {
        var result = input is string json ? await InvokeAsync(node, json) : await InvokeAsync(node, input);
        Assert.True(result.IsSuccess, $"expected success, got {result.Error}");
        using var document = JsonDocument.Parse(result.Payload);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a failure with <paramref name="code"/> and returns its message.</summary>
    public static async Task<string> FailsAsync(INode node, object input, string code)
    {
        var result = input is string json ? await InvokeAsync(node, json) : await InvokeAsync(node, input);
        Assert.False(result.IsSuccess, "expected a failure, got success: " + Encoding.UTF8.GetString(result.Payload.Span));
        Assert.Equal(code, result.Error!.Code);
        return result.Error.Message;
    }

    public static double[] Vector(JsonElement element) =>
        element.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
