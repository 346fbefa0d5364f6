using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portway;

/// <summary>
/// How Portway writes the JSON it answers with (error bodies and messages, merged request bodies): as a user reads it
/// with curl — <c>'</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and non-ASCII text as they are, not <c>\u0027</c>.
/// Still valid JSON (quotes, backslashes and control characters are escaped, so a newline never ends an SSE or NDJSON
/// line). For bodies served as JSON; a page that puts JSON inside a <c>&lt;script&gt;</c> needs the default encoder.
/// </summary>
public static class PortwayJson
{
    /// <summary>The writer options of Portway's answers; adapters writing bodies of their own use them too.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
