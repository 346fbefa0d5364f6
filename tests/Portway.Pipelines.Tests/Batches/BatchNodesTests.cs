using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines.Batches;
using Portway.Pipelines.Tests.VoiceProfiles;

namespace Portway.Pipelines.Tests.Batches;

public sealed class BatchNodesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Submit_ThenProgressStream_ThenStatus_WithTheExampleWork()
    {
        using var processor = new BatchProcessor(new TextFeaturesItemProcessor(_clock), 2, _clock);
        var submitted = await NodeCall.OkAsync(new SubmitNode(processor), """{"items":["Hello there. How are you?","",{"text":"x"}],"priority":7}""");
        var id = submitted.GetProperty("id").GetString()!;

        var items = new List<JsonElement>();
        await foreach (var item in new ProgressNode(processor).StreamAsync(Context(JsonSerializer.Serialize(new { id })), CancellationToken.None))
        {
            Assert.True(item.IsSuccess);
            items.Add(JsonDocument.Parse(item.Payload).RootElement.Clone());
        }

        var status = await NodeCall.OkAsync(new StatusNode(processor), JsonSerializer.Serialize(new { id }));

        Assert.Equal(7, submitted.GetProperty("priority").GetInt32());
        Assert.Equal(3, items.Count);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("counts").GetProperty("done").GetInt32());
        Assert.Equal(1, status.GetProperty("counts").GetProperty("failed").GetInt32());
        Assert.Equal(8, status.GetProperty("items")[0].GetProperty("result").GetProperty("hrv").GetArrayLength());
        Assert.Equal("validation_failed", status.GetProperty("items")[1].GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExampleWork_WaitsWorkMsOnTheClock_AndIsCancellable()
    {
        using var processor = new BatchProcessor(new TextFeaturesItemProcessor(_clock), 1, _clock);
        var batch = processor.Submit([JsonSerializer.SerializeToElement(new { text = "slow one", work_ms = 1000 })], 5);
        var other = processor.Submit([JsonSerializer.SerializeToElement(new { text = "slow two", work_ms = 1000 })], 5);

        processor.Cancel(other.Id);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var drained = DrainAsync(processor.ProgressAsync(batch.Id, cts.Token));
        Assert.False(drained.IsCompleted);

        // The item's timer is made on the pool's thread: advance until it fires (the deadline ends a hang).
        while (!drained.IsCompleted && !cts.IsCancellationRequested)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(drained, Task.Delay(20, CancellationToken.None));
        }

        await drained;

        Assert.Equal("done", processor.Get(batch.Id).Items[0].Status);
        Assert.Equal("cancelled", processor.Get(other.Id).Items[0].Status);
    }

    [Fact]
    public async Task Progress_UnknownBatch_IsNotFoundAsTheStreamsError()
    {
        using var processor = new BatchProcessor(new GatedProcessor(gated: false), 1, _clock);

        var results = new List<NodeResult>();
        await foreach (var item in new ProgressNode(processor).StreamAsync(Context("""{"id":"nope"}"""), CancellationToken.None))
        {
            results.Add(item);
        }

        Assert.Equal(ErrorCode.NotFound, Assert.Single(results).Error!.Code);
    }

    [Fact]
    public async Task Metrics_Node_AnswersQueueDepthPerPriority()
    {
        using var processor = new BatchProcessor(new GatedProcessor(gated: false), 3, _clock);

        var metrics = await NodeCall.OkAsync(new MetricsNode(processor), "{}");

        Assert.Equal(10, metrics.GetProperty("queue_depth").EnumerateObject().Count());
        Assert.Equal(3, metrics.GetProperty("concurrency").GetInt32());
    }

    [Fact]
    public void Options_ConcurrencyFromTheSubmitStagesWith()
    {
        var config = new PortwayConfig();
        Assert.Equal(BatchOptions.DefaultConcurrency, BatchOptions.Concurrency(config));

        var stage = new StageConfig { Name = "submit", Node = SubmitNode.Name, With = new JsonObject { ["concurrency"] = 3 } };
        config.Pipelines["batch_submit"] = new PipelineConfig { Name = "batch_submit", Stages = [stage] };
        Assert.Equal(3, BatchOptions.Concurrency(config));

        stage.With = new JsonObject { ["concurrency"] = 0 };
        var ex = Assert.Throws<InvalidOperationException>(() => BatchOptions.Concurrency(config));
        Assert.Contains("pipelines.batch_submit.stages.submit.with.concurrency", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DeliveryFromTheSubmitStagesWith_OnlyToAnHttpEgress()
    {
        var config = new PortwayConfig();
        config.Runtime.Egress.Http.Add(new HttpEgressConfig { Name = "results", BaseUrl = "http://127.0.0.1:1/" });
        config.Runtime.Egress.WebSocket.Add(new WebSocketEgressConfig { Name = "events", Url = "ws://127.0.0.1:1/" });
        var stage = new StageConfig { Name = "submit", Node = SubmitNode.Name, With = new JsonObject { ["concurrency"] = 2 } };
        config.Pipelines["batch_submit"] = new PipelineConfig { Name = "batch_submit", Stages = [stage] };
        Assert.Null(BatchOptions.Delivery(config));

        stage.With = new JsonObject { ["egress"] = "results", ["path"] = "/done" };
        Assert.Equal(("results", "/done"), BatchOptions.Delivery(config));
        stage.With = new JsonObject { ["egress"] = "results" };
        Assert.Equal(("results", "/"), BatchOptions.Delivery(config));

        stage.With = new JsonObject { ["egress"] = "events" };
        var ex = Assert.Throws<InvalidOperationException>(() => BatchOptions.Delivery(config));
        Assert.Contains("pipelines.batch_submit.stages.submit.with.egress must name an http egress", ex.Message, StringComparison.Ordinal);
    }

    private static async Task DrainAsync(IAsyncEnumerable<BatchProgress> progress)
    {
        await foreach (var _ in progress)
        {
        }
    }

    private static NodeContext Context(string json) => new()
    {
        Input = System.Text.Encoding.UTF8.GetBytes(json),
        Pipeline = "test",
        Stage = "test",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        RequestId = "req-1",
    };
}
