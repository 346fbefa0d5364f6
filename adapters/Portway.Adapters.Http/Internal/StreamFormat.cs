using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Portway.Adapters.Http.Internal;

/// <summary>
/// How a stream pipeline's items are framed on an HTTP response: NDJSON (<c>application/x-ndjson</c>, one JSON
/// value per line, an error as a last <c>{"error":{...}}</c> line) or server-sent events (<c>text/event-stream</c>:
/// <c>event: item</c> per item, then <c>event: end</c> or <c>event: error</c>).
/// </summary>
internal sealed class StreamFormat
{
    public static readonly StreamFormat Ndjson = new("application/x-ndjson", sse: false);
    public static readonly StreamFormat EventStream = new("text/event-stream", sse: true);

    private static readonly byte[] ItemPrefix = "event: item\ndata: "u8.ToArray();
    private static readonly byte[] ErrorPrefix = "event: error\ndata: "u8.ToArray();
    private static readonly byte[] EndEvent = "event: end\ndata: {}\n\n"u8.ToArray();

    private readonly bool _sse;

    private StreamFormat(string contentType, bool sse)
    {
        ContentType = contentType;
        _sse = sse;
    }

    public string ContentType { get; }

    /// <summary><see cref="EventStream"/> when an <c>Accept</c> media range is <c>text/event-stream</c>; else <see cref="Ndjson"/>.</summary>
    public static StreamFormat Negotiate(StringValues accept)
    {
        foreach (var value in accept)
        {
            foreach (var range in (value ?? "").Split(','))
            {
                var mediaType = range.Split(';')[0].Trim();
                if (mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    return EventStream;
                }
            }
        }

        return Ndjson;
    }

    public void WriteItem(PipeWriter writer, ReadOnlySpan<byte> payload)
    {
        if (_sse) writer.Write(ItemPrefix);
        WriteCompact(writer, payload);
        writer.Write(_sse ? "\n\n"u8 : "\n"u8);
    }

    public void WriteError(PipeWriter writer, ReadOnlySpan<byte> errorBody)
    {
        if (_sse) writer.Write(ErrorPrefix);
        writer.Write(errorBody);
        writer.Write(_sse ? "\n\n"u8 : "\n"u8);
    }

    public void WriteEnd(PipeWriter writer)
    {
        if (_sse) writer.Write(EndEvent);
    }

    /// <summary>Writes the JSON on one line: a payload with line breaks in it is re-written compact.</summary>
    private static void WriteCompact(PipeWriter writer, ReadOnlySpan<byte> json)
    {
        if (json.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            writer.Write(json);
            return;
        }

        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        using var compact = new Utf8JsonWriter(writer, PortwayJson.WriterOptions);
        document.WriteTo(compact);
    }
}
