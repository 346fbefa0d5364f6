using Portway.Internal.Supervision;

namespace Portway.Framework.Tests.Supervision;

public sealed class RestartPolicyTests
{
    [Fact]
    public void Backoff_DoublesFromInitial_UpToTheCap()
    {
        var policy = new RestartPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) };

        Assert.Equal([100, 200, 400, 800, 1000, 1000], Enumerable.Range(1, 6).Select(a => policy.Backoff(a).TotalMilliseconds));
    }

    [Fact]
    public void Backoff_HugeAttempt_StaysAtTheCap()
    {
        var policy = new RestartPolicy();

        Assert.Equal(policy.MaxBackoff, policy.Backoff(int.MaxValue));
    }
}
