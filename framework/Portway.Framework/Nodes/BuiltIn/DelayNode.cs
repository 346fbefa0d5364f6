using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes.BuiltIn;

/// <summary>
/// <c>sys.delay</c>: <c>{"ms": N}</c> waits N milliseconds (honouring cancellation), then echoes its input; with
/// <c>"blocking": true</c> it holds its thread while it waits, as a CPU-heavy node does.
/// </summary>
[PortwayNode("sys.delay", Lifetime = ServiceLifetime.Singleton)] // stateless: one instance, no DI scope per invocation
internal sealed class DelayNode(TimeProvider time) : INode
{
    /// <summary>The longest wait a request may ask for.</summary>
    public const int MaxMs = 600_000;

    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        if (!TryRead(context.Input.Span, out var ms, out var blocking, out var problem))
        {
            return NodeResult.Failure(ErrorCode.ValidationFailed, problem);
        }

        if (blocking)
        {
            cancellationToken.WaitHandle.WaitOne(ms);
            cancellationToken.ThrowIfCancellationRequested();
            return NodeResult.Success(context.Input);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(ms), time, cancellationToken).ConfigureAwait(false);
        return NodeResult.Success(context.Input);
    }

    private static bool TryRead(ReadOnlySpan<byte> json, out int ms, out bool blocking, out string problem)
    {
        ms = -1;
        blocking = false;
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
                var isBlocking = reader.ValueTextEquals("blocking"u8);
                reader.Read();
                if (isBlocking)
                {
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        problem = "blocking must be true or false";
                        return false;
                    }

                    blocking = reader.TokenType == JsonTokenType.True;
                    continue;
                }

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
            }

            if (ms >= 0)
            {
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
