using System.Text.Json;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class CompareNodeTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly ProfilePutNode _put;
    private readonly ExtractNode _extract = new();
    private readonly CompareNode _compare;

    public CompareNodeTests()
    {
        _put = new ProfilePutNode(_dir.Store);
        _compare = new CompareNode(_dir.Store);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Compare_FeedbackIsProfileMinusHrv()
    {
        double[] profile = [0.5, 0.1, 0.2, 0.25, 0.4, 0.9, 0, 1];
        double[] hrv = [0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0];
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = profile });

        var output = await NodeCall.OkAsync(_compare, new { tenant = "acme", profile_name = "alice", hrv });

        Assert.Equal(hrv, NodeCall.Vector(output.GetProperty("hrv")));
        Assert.Equal(profile, NodeCall.Vector(output.GetProperty("profile")));
        Assert.Equal([0.18, 0.0375, 0.088889, 0, 0.025, -0.1, -0.5, 1], NodeCall.Vector(output.GetProperty("hrv_feedback")));
        Assert.Equal(["hrv", "profile", "hrv_feedback"], output.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Compare_RoundsEveryNumberToSixDecimals()
    {
        double[] profile = [0.1234567891, 0.3, 0.0000001, 0, 0, 0, 0, 0];
        double[] hrv = [0.1, 0.1, 0.0000002, 0, 0, 0, 0, 0.9999999];
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = profile });

        var result = await NodeCall.InvokeAsync(_compare, new { tenant = "acme", profile_name = "alice", hrv });

        Assert.True(result.IsSuccess);
        using var doc = JsonDocument.Parse(result.Payload);
        Assert.Equal([0.123457, 0.3, 0, 0, 0, 0, 0, 0], NodeCall.Vector(doc.RootElement.GetProperty("profile")));
        Assert.Equal([0.1, 0.1, 0, 0, 0, 0, 0, 1], NodeCall.Vector(doc.RootElement.GetProperty("hrv")));
        Assert.Equal([0.023457, 0.2, 0, 0, 0, 0, 0, -1], NodeCall.Vector(doc.RootElement.GetProperty("hrv_feedback")));
        // -0.0000001 rounds to 0, written "0", not "-0".
        Assert.DoesNotContain("-0,", System.Text.Encoding.UTF8.GetString(result.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_MissingProfile_IsNotFound()
    {
        await NodeCall.FailsAsync(_compare, new { tenant = "acme", profile_name = "ghost", hrv = new double[8] }, ErrorCode.NotFound);
    }

    [Fact]
    public async Task Compare_AfterExtract_ChainsLikeTheFeedbackPipeline()
    {
        double[] profile = [0.3, 0.1, 0.1, 0.2, 0.4, 0.9, 0.2, 0];
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = profile });
        var extracted = await NodeCall.InvokeAsync(_extract, """{"tenant":"acme","profile_name":"alice","text":"Hello world. Is it OK?"}""");
        Assert.True(extracted.IsSuccess);

        var compared = await _compare.InvokeAsync(
            new Nodes.NodeContext { Input = extracted.Payload, Pipeline = "feedback", Stage = "compare", TraceId = "t", RequestId = "r" },
            CancellationToken.None);

        Assert.True(compared.IsSuccess, compared.Error?.ToString());
        using var doc = JsonDocument.Parse(compared.Payload);
        var hrv = NodeCall.Vector(doc.RootElement.GetProperty("hrv"));
        var feedback = NodeCall.Vector(doc.RootElement.GetProperty("hrv_feedback"));
        Assert.Equal([0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0], hrv);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Math.Round(profile[i] - hrv[i], 6, MidpointRounding.AwayFromZero), feedback[i]);
        }
    }

    [Theory]
    [InlineData("[0.1]", "hrv must have exactly 8 numbers, got 1")]
    [InlineData("[0,0,0,0,0,0,0,2]", "hrv[7] must be between 0 and 1, got 2")]
    [InlineData("null", "hrv is required: an array of 8 numbers from 0 to 1")]
    public async Task Compare_BadHrv_IsValidationFailed(string hrvJson, string expected)
    {
        var json = $$"""{"tenant":"acme","profile_name":"alice","hrv":{{hrvJson}}}""";

        Assert.Equal(expected, await NodeCall.FailsAsync(_compare, json, ErrorCode.ValidationFailed));
    }

    [Theory]
    [InlineData("../x", "alice", "tenant")]
    [InlineData("acme", "../../etc/passwd", "profile_name")]
    public async Task Compare_InvalidName_IsValidationFailedNamingTheField(string tenant, string profileName, string field)
    {
        var message = await NodeCall.FailsAsync(_compare, new { tenant, profile_name = profileName, hrv = new double[8] }, ErrorCode.ValidationFailed);

        Assert.StartsWith(field + " ", message, StringComparison.Ordinal);
    }
}
