using System.Text;
using System.Text.Json;
using Portway.Nodes;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class FeedbackBatchNodeTests : IDisposable
{
    private static readonly double[] Profile = [0.5, 0.4, 0.3, 0.2, 0.1, 0.6, 0.7, 0.8];
    private readonly TempDataDir _dir = new();
    private readonly FeedbackBatchNode _batch;

    public FeedbackBatchNodeTests() => _batch = new FeedbackBatchNode(_dir.Store);

    public void Dispose() => _dir.Dispose();

    private async Task<List<NodeResult>> RunAsync(object input)
    {
        var context = new NodeContext
        {
            Input = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(input)),
            Pipeline = "test",
            Stage = "test",
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            RequestId = "req-1",
        };
        var results = new List<NodeResult>();
        await foreach (var result in _batch.StreamAsync(context, CancellationToken.None))
        {
            results.Add(result);
        }

        return results;
    }

    private Task PutProfileAsync() => NodeCall.OkAsync(new ProfilePutNode(_dir.Store), new { tenant = "acme", profile = "alice", vector = Profile });

    [Fact]
    public async Task Batch_OneItemPerText_SameNumbersAsExtractThenCompare()
    {
        await PutProfileAsync();
        string[] texts = ["Hello there! How are you today?", "short", "THE END. 42 times."];

        var items = await RunAsync(new { tenant = "acme", profile_name = "alice", texts });

        Assert.Equal(3, items.Count);
        var compare = new CompareNode(_dir.Store);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(items[i].IsSuccess);
            using var item = JsonDocument.Parse(items[i].Payload);
            var extracted = await NodeCall.OkAsync(new ExtractNode(), new { tenant = "acme", profile_name = "alice", text = texts[i] });
            var expected = await NodeCall.OkAsync(compare, extracted.GetRawText());
            Assert.Equal(i, item.RootElement.GetProperty("index").GetInt32());
            foreach (var field in new[] { "hrv", "profile", "hrv_feedback" })
            {
                Assert.Equal(NodeCall.Vector(expected.GetProperty(field)), NodeCall.Vector(item.RootElement.GetProperty(field)));
            }
        }
    }

    [Fact]
    public async Task Batch_BadTextAnywhere_IsOneErrorBeforeAnyItem()
    {
        await PutProfileAsync();

        var results = await RunAsync(new { tenant = "acme", profile_name = "alice", texts = new[] { "fine", "  " } });

        var only = Assert.Single(results);
        Assert.Equal(ErrorCode.ValidationFailed, only.Error!.Code);
        Assert.Equal("texts[1] must not be empty or white space only", only.Error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(FeedbackBatchNode.MaxTexts + 1)]
    public async Task Batch_TooFewOrTooManyTexts_IsValidationError(int count)
    {
        var results = await RunAsync(new { tenant = "acme", profile_name = "alice", texts = Enumerable.Repeat("a text", count) });

        Assert.Equal(ErrorCode.ValidationFailed, Assert.Single(results).Error!.Code);
    }

    [Fact]
    public async Task Batch_MissingProfile_IsNotFound()
    {
        var results = await RunAsync(new { tenant = "acme", profile_name = "ghost", texts = new[] { "a text" } });

        Assert.Equal(ErrorCode.NotFound, Assert.Single(results).Error!.Code);
    }
}
