using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http;

/// <summary>
/// The correlation ids of one request: <c>x-request-id</c> and W3C <c>traceparent</c> are read when sent
/// and well formed, else allocated. The response carries both back.
/// </summary>
/// <param name="TraceParent">The <c>traceparent</c> of this hop, <c>00-TRACE-SPAN-01</c>: built once, sent on the response and carried by the envelope.</param>
public readonly record struct RequestCorrelation(string RequestId, string TraceId, string ParentSpanId, string SpanId, string TraceParent)
{
    /// <summary>The request id header, <c>x-request-id</c>.</summary>
    public const string RequestIdHeader = "x-request-id";
    /// <summary>The W3C trace context header, <c>traceparent</c>.</summary>
    public const string TraceParentHeader = Envelope.TraceParentHeader;
    private const int MaxRequestIdLength = 128;

    /// <summary>The caller's <c>traceparent</c> sampled flag (true when the caller sent none): a parent-based sampler follows it.</summary>
    public bool ParentSampled { get; init; } = true;

    /// <summary>The parent context for the request's span, when the caller sent one.</summary>
    public ActivityContext ParentContext => ParentSpanId.Length == 0
        ? default
        : new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(ParentSpanId),
            ParentSampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);

    /// <summary>The ids <paramref name="request"/> sent (when well formed), else new ones; a new span id for this hop.</summary>
    public static RequestCorrelation From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requestId = request.Headers[RequestIdHeader].ToString();
        if (!IsValidRequestId(requestId))
        {
            requestId = EnvelopeIds.NewId();
        }

        var traceId = "";
        var parentSpanId = "";
        var sampled = true;
        var header = request.Headers[TraceParentHeader].ToString();
        if (TryParseTraceParent(header, out var t, out var p))
        {
            traceId = t;
            parentSpanId = p;
            sampled = (Convert.ToByte(header.Substring(53, 2), 16) & 1) == 1; // trace-flags: bit 0 is "sampled"
        }
        else
        {
            traceId = EnvelopeIds.NewTraceId();
        }

        var spanId = EnvelopeIds.NewSpanId();
        return new RequestCorrelation(requestId, traceId, parentSpanId, spanId, FormatTraceParent(traceId, spanId, sampled)) { ParentSampled = sampled };
    }

    /// <summary>
    /// The ids of the request's own span when one was started: its trace id (equal to the caller's when
    /// the caller sent one) and span id, so envelope, response and exported trace all agree.
    /// </summary>
    public RequestCorrelation WithActivity(Activity? activity)
    {
        if (activity is null)
        {
            return this;
        }

        var traceId = activity.TraceId.ToHexString();
        var spanId = activity.SpanId.ToHexString();
        return this with { TraceId = traceId, SpanId = spanId, TraceParent = FormatTraceParent(traceId, spanId, activity.Recorded) };
    }

    private static string FormatTraceParent(string traceId, string spanId, bool sampled) => "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");

    /// <summary>Writes <c>x-request-id</c> and <c>traceparent</c> on the response.</summary>
    public void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers[RequestIdHeader] = RequestId;
        response.Headers[TraceParentHeader] = TraceParent;
    }

    /// <summary>A request id is 1–128 characters of <c>[A-Za-z0-9._:-]</c>; anything else is replaced.</summary>
    public static bool IsValidRequestId(string value)
    {
        if (value.Length is 0 or > MaxRequestIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a version-00 W3C traceparent; all-zero ids are invalid.</summary>
    public static bool TryParseTraceParent(string value, out string traceId, out string parentSpanId)
    {
        traceId = parentSpanId = "";
        if (value.Length != 55 || value[2] != '-' || value[35] != '-' || value[52] != '-' || !value.StartsWith("00", StringComparison.Ordinal))
        {
            return false;
        }

        var t = value.AsSpan(3, 32);
        var s = value.AsSpan(36, 16);
        if (!IsLowerHex(t) || !IsLowerHex(s) || !IsLowerHex(value.AsSpan(53, 2)) || IsAllZero(t) || IsAllZero(s))
        {
            return false;
        }

        traceId = t.ToString();
        parentSpanId = s.ToString();
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllZero(ReadOnlySpan<char> span) => !span.ContainsAnyExcept('0');
}
