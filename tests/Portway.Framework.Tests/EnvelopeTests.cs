using System.Collections.Concurrent;

namespace Portway.Framework.Tests;

public sealed class EnvelopeTests
{
    [Fact]
    public void CreateRequestAndAnswer_Id_IsNewHexAndStableOnceRead()
    {
        var request = Envelope.CreateRequest("p", EnvelopeIds.NewTraceId(), "r", "", "", "{}"u8.ToArray());
        var answer = request.CreateAnswer(EnvelopeKind.Reply, default);
        var error = request.CreateError(new PortwayError(ErrorCode.Internal, "x"));

        string[] ids = [request.Id, answer.Id, error.Id];

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(3, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids, new[] { request.Id, answer.Id, error.Id });
    }

    [Fact]
    public void Id_FirstReadFromManyThreadsAtOnce_AllSeeTheSameId()
    {
        for (var round = 0; round < 200; round++)
        {
            var answer = Envelope.CreateRequest("p", "t", "r", "", "", default).CreateAnswer(EnvelopeKind.Reply, default);
            var seen = new ConcurrentBag<string>();
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => seen.Add(answer.Id));

            Assert.Single(seen.Distinct(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Id_SetByTheCaller_IsKept_AndANewEnvelopeHasNone()
    {
        var answer = Envelope.CreateRequest("p", "t", "r", "", "", default).CreateAnswer(EnvelopeKind.Reply, default);
        answer.Id = "mine";

        Assert.Equal("mine", answer.Id);
        Assert.Equal("", new Envelope().Id);
    }
}
