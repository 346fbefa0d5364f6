using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class KernelRandomTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(4096)]
    [InlineData(70_000)]
    public void Fill_AnyLength_FillsTheWholeSpanWithFreshBytes(int length)
    {
        // Above 256 bytes the kernel may answer in parts: the end of the span must be filled too.
        var first = new byte[length];
        var second = new byte[length];
        KernelRandom.Fill(first);
        KernelRandom.Fill(second);

        Assert.NotEqual(first, second);
        Assert.True(first.AsSpan(length - 16).ContainsAnyExcept((byte)0));
        Assert.True(second.AsSpan(length - 16).ContainsAnyExcept((byte)0));
    }

    [Fact]
    public void Fill_ManyBytes_LooksUniform()
    {
        // 1 MiB of random bytes: every byte value turns up close to 4,096 times (a stuck or repeating source does not).
        var bytes = new byte[1 << 20];
        KernelRandom.Fill(bytes);
        var counts = new int[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 3_600, 4_600));
    }
}
