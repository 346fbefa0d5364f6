using System.Text.Json;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>One request line: <c>{"id": any JSON, "pipeline": "name", "input": any JSON, "timeout_ms": n}</c>.</summary>
internal readonly record struct NdjsonRequest(string? Id, string Pipeline, byte[] Input, TimeSpan? Timeout)
{
    /// <summary>Reads a line; on a problem, <paramref name="problem"/> says what (and the id is kept when it was read).</summary>
    public static bool TryParse(byte[] line, out NdjsonRequest request, out string problem)
    {
        request = new NdjsonRequest(null, "", [], null);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            problem = "the line is not JSON: " + ex.Message;
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "a request is a JSON object";
                return false;
            }

            var id = root.TryGetProperty("id", out var idElement) ? idElement.GetRawText() : null;
            request = request with { Id = id };
            if (id is null)
            {
                problem = "'id' is missing";
                return false;
            }

            if (!root.TryGetProperty("pipeline", out var pipeline) || pipeline.ValueKind != JsonValueKind.String)
            {
                problem = "'pipeline' (a string) is missing";
                return false;
            }

            TimeSpan? timeout = null;
            if (root.TryGetProperty("timeout_ms", out var ms))
            {
                if (!ms.TryGetInt32(out var value) || value <= 0)
                {
                    problem = "'timeout_ms' must be a positive integer";
                    return false;
                }

                timeout = TimeSpan.FromMilliseconds(value);
            }

            var input = root.TryGetProperty("input", out var inputElement) ? JsonSerializer.SerializeToUtf8Bytes(inputElement) : "{}"u8.ToArray();
            request = new NdjsonRequest(id, pipeline.GetString()!, input, timeout);
            problem = "";
            return true;
        }
    }
}
