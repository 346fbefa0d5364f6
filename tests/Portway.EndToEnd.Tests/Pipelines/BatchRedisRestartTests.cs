using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>
/// Batches on a real redis-server (<c>kv: { backend: redis }</c>): a host stopped with an item running, and another
/// started on the same Redis with an empty data directory, answers the batch and runs its waiting items (read from
/// Redis, no snapshot involved).
/// </summary>
public sealed class BatchRedisRestartTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly string _root = Directory.CreateTempSubdirectory("portway-batch-redis-").FullName;
    private readonly string _prefix = "batches-" + Guid.NewGuid().ToString("N")[..8];
    private ItemServer _items = null!;

    public BatchRedisRestartTests(RedisServerFixture redis) => _redis = redis;

    public async Task InitializeAsync() => _items = await ItemServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _items.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private Task<PortwayTestServer> StartAsync(string host) => PortwayTestServer.StartAsync($$"""
        runtime:
          platform:
            data_dir: "{{Path.Combine(_root, host)}}"
            kv: { backend: redis }
            redis: { connection: "{{_redis.ConnectionString}}", key_prefix: {{_prefix}} }
          egress:
            http:
              - { name: scorer, base_url: "{{_items.BaseAddress}}", timeout_ms: 600000, total_timeout_ms: 600000, retry: { max_retries: 0 } }
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/batches", pipeline: batch_submit }
                  - { route: "GET /v1/batches/{id}", pipeline: batch_status }
        pipelines:
          batch_submit: { stages: [ { name: submit, node: batch.submit, with: { concurrency: 1, item_pipeline: batch_item } } ] }
          batch_item: { stages: [ { name: score, node: sys.http_call, with: { egress: scorer, path: /score } } ] }
          batch_status: { stages: [ { name: status, node: batch.status } ] }
        """);

    [Fact]
    public async Task AnotherHostOnTheSameRedis_AnswersTheBatch_AndRunsItsWaitingItems()
    {
        string id;
        await using (var first = await StartAsync("a"))
        {
            id = await BatchWorkerEndToEndTests.SubmitAsync(first.Client, 5, "q1", "q2", "q3");
            Assert.Equal("q1", await _items.NextArrivalAsync());
            _items.Release("q1");
            Assert.Equal("q2", await _items.NextArrivalAsync());
        }

        Assert.Equal("q2", await _items.NextAbortAsync());
        await using var second = await StartAsync("b");
        Assert.Equal("q2", await _items.NextArrivalAsync());
        _items.Release("q2");
        Assert.Equal("q3", await _items.NextArrivalAsync());
        _items.Release("q3");
        var batch = await BatchWorkerEndToEndTests.FinishedAsync(second.Client, id);

        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(["q1", "q2", "q3"], batch.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("result").GetProperty("scored").GetString()));
        Assert.False(Directory.Exists(Path.Combine(_root, "a", "batches")), "no snapshot on the redis backend");
    }
}
