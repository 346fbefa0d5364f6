using System.Text;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Fuzz;

/// <summary>Small valid inputs to start from: signed frames (each kind, with headers) and their canonical envelope bytes.</summary>
internal static class Seeds
{
    public static void Write(string directory)
    {
        var frames = Directory.CreateDirectory(Path.Combine(directory, "frame")).FullName;
        var envelopes = Directory.CreateDirectory(Path.Combine(directory, "envelope")).FullName;
        var signer = FuzzTargets.Signer();
        var i = 0;
        foreach (var envelope in Samples())
        {
            signer.Stamp(envelope);
            var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
            EnvelopeCodec.Write(envelope, canonical);
            File.WriteAllBytes(Path.Combine(envelopes, $"seed-{i}"), canonical);
            var (buffer, length) = FrameCodec.Encode(envelope, signer, FuzzTargets.MaxPayloadBytes);
            File.WriteAllBytes(Path.Combine(frames, $"seed-{i}"), buffer.AsSpan(0, length).ToArray());
            i++;
        }
    }

    private static IEnumerable<Envelope> Samples()
    {
        yield return new Envelope
        {
            Id = "e1",
            Kind = EnvelopeKind.Request,
            Route = "p/core",
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            RequestId = "r1",
            ReplyTo = "i1/1",
            Tenant = "acme",
            Headers = { ["x-portway-hop"] = "h1", ["x-portway-stage"] = "core", ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            Payload = Encoding.UTF8.GetBytes("{\"x\":1}"),
        };
        yield return new Envelope { Id = "e2", Kind = EnvelopeKind.Reply, Route = "p/core", ReplyTo = "i1/1", Payload = Encoding.UTF8.GetBytes("{\"ok\":true}") };
        yield return new Envelope { Id = "e3", Kind = EnvelopeKind.Error, Payload = Encoding.UTF8.GetBytes("{\"code\":\"unavailable\",\"message\":\"gone\"}") };
        yield return new Envelope { Id = "e4", Kind = EnvelopeKind.Control, Route = "hello", Headers = { ["x-portway-group"] = "cpu", ["x-portway-worker"] = "cpu-1" } };
    }
}
