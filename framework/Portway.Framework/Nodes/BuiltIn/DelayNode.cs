using System.Text.Json;

namespace Portway.Nodes.BuiltIn;

/// <summary><c>sys.delay</c>: <c>{"ms": N}</c> waits N milliseconds (honouring cancellation), then echoes its input.</summary>
[PortwayNode("sys.delay")]
internal sealed class DelayNode(TimeProvider time) : INode
{
    /// <summary>The longest wait a request may ask for.</summary>
    public const int MaxMs = 600_000;

    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        if (!TryReadMs(context.Input.Span, out var ms, out var problem))
        {
            return NodeResult.Failure(ErrorCode.ValidationFailed, problem);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(ms), time, cancellationToken).ConfigureAwait(false);
        return NodeResult.Success(context.Input);
    }

    private static bool TryReadMs(ReadOnlySpan<byte> json, out int ms, out string problem)
    {
        ms = 0;
        problem = "";
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "input must be an object {\"ms\": N}";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMs = reader.ValueTextEquals("ms"u8);
                reader.Read();
                if (!isMs)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out ms) || ms < 0 || ms > MaxMs)
                {
                    problem = $"ms must be an integer from 0 to {MaxMs}";
                    return false;
                }

                return true;
            }
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
            return false;
        }

        problem = "ms is required";
        return false;
    }
}
