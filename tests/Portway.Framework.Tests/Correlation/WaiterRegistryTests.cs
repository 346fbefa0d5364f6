using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Correlation;

namespace Portway.Framework.Tests.Correlation;

public sealed class WaiterRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly WaiterRegistry _registry;

    public WaiterRegistryTests() => _registry = new WaiterRegistry(_time, "i1");

    private static Envelope Reply(string replyTo, EnvelopeKind kind = EnvelopeKind.Reply) =>
        new() { Kind = kind, ReplyTo = replyTo, Payload = "{}"u8.ToArray() };

    [Fact]
    public async Task Deliver_Reply_CompletesOnceAndRemoves()
    {
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(1, _registry.Pending);

        Assert.True(_registry.TryDeliver(Reply(waiter.ReplyTo)));
        Assert.False(_registry.TryDeliver(Reply(waiter.ReplyTo)));

        var result = await waiter.Task;
        Assert.Equal(WaiterEnd.Answered, result.End);
        Assert.Null(result.Error);
        Assert.Equal(0, _registry.Pending);
    }

    [Fact]
    public async Task Deadline_Passes_EndsWithTimeoutAndRemoves()
    {
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(5), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(5));

        var result = await waiter.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WaiterEnd.Timeout, result.End);
        Assert.Equal(ErrorCode.Timeout, result.Error?.Code);
        Assert.True(waiter.Aborted.IsCancellationRequested);
        Assert.Equal(0, _registry.Pending);
        Assert.False(_registry.TryDeliver(Reply(waiter.ReplyTo)));
    }

    [Fact]
    public async Task CallerCancels_EndsWithCallerCancelledAndAbortsWork()
    {
        using var caller = new CancellationTokenSource();
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(5), caller.Token);

        await caller.CancelAsync();

        var result = await waiter.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WaiterEnd.CallerCancelled, result.End);
        Assert.True(waiter.Aborted.IsCancellationRequested);
        Assert.Equal(0, _registry.Pending);
    }

    [Fact]
    public async Task Register_WithCallerAlreadyCancelled_EndsAtOnce()
    {
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(5), new CancellationToken(canceled: true));

        var result = await waiter.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WaiterEnd.CallerCancelled, result.End);
        Assert.Equal(0, _registry.Pending);
    }

    [Fact]
    public async Task FailAll_EndsEveryPendingWaiterWithShutdown()
    {
        var waiters = Enumerable.Range(0, 10).Select(_ => _registry.RegisterReply(TimeSpan.FromSeconds(5), CancellationToken.None)).ToArray();

        Assert.Equal(10, _registry.FailAll(WaiterEnd.Shutdown));

        foreach (var waiter in waiters)
        {
            var result = await waiter.Task;
            Assert.Equal(ErrorCode.Unavailable, result.Error?.Code);
        }

        Assert.Equal(0, _registry.Pending);
    }

    [Fact]
    public async Task Deliver_ErrorEnvelope_SurfacesItsCode()
    {
        var waiter = _registry.RegisterReply(TimeSpan.FromSeconds(5), CancellationToken.None);
        var error = new Envelope { Kind = EnvelopeKind.Error, ReplyTo = waiter.ReplyTo, Payload = new PortwayError(ErrorCode.Conflict, "taken").ToPayload() };

        _registry.TryDeliver(error);

        Assert.Equal(new PortwayError(ErrorCode.Conflict, "taken"), (await waiter.Task).Error);
    }

    [Theory]
    [InlineData("i2/1")]
    [InlineData("i1/x")]
    [InlineData("i1/99")]
    [InlineData("")]
    public void TryDeliver_ReplyToNamingNoWaiter_ReturnsFalse(string replyTo)
    {
        _registry.RegisterReply(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(_registry.TryDeliver(Reply(replyTo)));
        Assert.Equal(1, _registry.Pending);
    }

    [Fact]
    public async Task RacingAnswerDeadlineAndCancel_EachWaiterEndsExactlyOnce()
    {
        var registry = new WaiterRegistry(TimeProvider.System, "i1");
        var ends = new int[4];
        var tasks = Enumerable.Range(0, 2000).Select(async i =>
        {
            using var caller = new CancellationTokenSource();
            var waiter = registry.RegisterReply(TimeSpan.FromMilliseconds(1 + (i % 3)), caller.Token);
            var deliver = Task.Run(() => registry.TryDeliver(Reply(waiter.ReplyTo)));
            var cancel = Task.Run(caller.Cancel);
            await Task.WhenAll(deliver, cancel);
            var result = await waiter.Task;
            Interlocked.Increment(ref ends[(int)result.End - 1]);
        });

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2000, ends.Sum());
        Assert.Equal(0, registry.Pending);
    }
}
