using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Portway.Adapters.Http.Internal;

/// <summary>Reads, bounds, checks and shapes a request body into a node's JSON input.</summary>
internal static class JsonBody
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>True for <c>application/json</c> and any <c>application/*+json</c>, with or without parameters.</summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0) mediaType = mediaType[..semicolon];
        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when the request says it has a body.</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Reads the whole body; null when it is over <paramref name="maxBytes"/>.</summary>
    public static async ValueTask<byte[]?> ReadAsync(PipeReader reader, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Null when <paramref name="json"/> is valid UTF-8 holding one well-formed JSON value; else what is wrong and where.</summary>
    public static string? Validate(ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return "the body is not valid UTF-8";
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}";
        }
    }

    /// <summary>True for a GET, HEAD or DELETE request with a query string: its parameters become input fields.</summary>
    public static bool TakesQuery(HttpRequest request) =>
        request.QueryString.HasValue && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsDelete(request.Method));

    /// <summary>
    /// The route values with the query parameters added (as strings; a route value wins over a parameter of its
    /// name). Null with <paramref name="problem"/> set when a parameter is given more than once.
    /// </summary>
    public static RouteValueDictionary? WithQuery(RouteValueDictionary routeValues, IQueryCollection query, out string? problem)
    {
        problem = null;
        var values = new RouteValueDictionary(routeValues);
        foreach (var (key, value) in query)
        {
            if (value.Count != 1)
            {
                problem = $"query parameter '{key}' must be given once";
                return null;
            }

            values.TryAdd(key, value[0]);
        }

        return values;
    }

    /// <summary>
    /// The node input: the body as is when there are no route values; else a JSON object holding the
    /// route values (as strings) and the body's properties (route values win). An empty body is <c>{}</c>.
    /// Returns null when route values must be merged into a body that is not an object.
    /// </summary>
    public static ReadOnlyMemory<byte>? Shape(byte[]? body, RouteValueDictionary routeValues)
    {
        var hasBody = body is { Length: > 0 };
        if (routeValues.Count == 0)
        {
            return hasBody ? body : EmptyObject;
        }

        JsonDocument? document = null;
        try
        {
            if (hasBody)
            {
                document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }
            }

            var buffer = new ArrayBufferWriter<byte>((body?.Length ?? 0) + 64);
            using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
            {
                writer.WriteStartObject();
                foreach (var (key, value) in routeValues)
                {
                    writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }

                if (document is not null)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (!routeValues.ContainsKey(property.Name))
                        {
                            property.WriteTo(writer);
                        }
                    }
                }

                writer.WriteEndObject();
            }

            return buffer.WrittenMemory;
        }
        finally
        {
            document?.Dispose();
        }
    }
}
