using Xunit;
using System.Text;
using Portway.Kv;

namespace Portway.Testing.Kv;

/// <summary>
/// The kv port's contract: every backend (memory, redis) runs these same tests. A backend's test class
/// derives from this one and supplies the store and a way to let time pass.
/// </summary>
public abstract partial class KvStoreContractTests
{
    /// <summary>A prefix no other test uses, so tests may share one store (and one Redis).</summary>
    protected string P { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + "/";

    /// <summary>The store under test.</summary>
    protected abstract IKvStore Store { get; }

    /// <summary>Lets <paramref name="duration"/> pass on the store's clock (a fake clock advances; a real one needs nothing).</summary>
    protected abstract void Elapse(TimeSpan duration);

    /// <summary>A time to live short enough for a real clock and a real server.</summary>
    protected static readonly TimeSpan ShortTtl = TimeSpan.FromMilliseconds(300);

    protected static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    protected static string S(ReadOnlyMemory<byte> b) => Encoding.UTF8.GetString(b.Span);

    [Fact]
    public async Task Get_MissingKey_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(P + "missing"));
    }

    [Fact]
    public async Task Set_ThenGet_ReturnsValueAndVersion_EachWriteAHigherVersion()
    {
        var v1 = await Store.SetAsync(P + "a", B("one"));
        var got = await Store.GetAsync(P + "a");
        Assert.NotNull(got);
        Assert.Equal("one", S(got.Value));
        Assert.Equal(v1, got.Version);
        Assert.Equal(P + "a", got.Key);

        var v2 = await Store.SetAsync(P + "a", B("two"));
        Assert.True(v2 > v1);
        Assert.Equal("two", S((await Store.GetAsync(P + "a"))!.Value));
        var other = await Store.SetAsync(P + "b", B("x"));
        Assert.True(other > v2);
    }

    [Fact]
    public async Task Set_EmptyValue_IsStored()
    {
        await Store.SetAsync(P + "e", ReadOnlyMemory<byte>.Empty);
        var got = await Store.GetAsync(P + "e");
        Assert.NotNull(got);
        Assert.Equal(0, got.Value.Length);
    }

    [Fact]
    public async Task Set_InvalidKey_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.SetAsync("", B("x")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.SetAsync(P + "bad\nkey", B("x")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.SetAsync(P + new string('k', KvKeys.MaxLength), B("x")));
    }

    [Fact]
    public async Task CompareAndSet_ZeroOnMissingKey_Creates_ZeroOnExistingKey_FailsWithCurrentVersion()
    {
        var created = await Store.CompareAndSetAsync(P + "c", 0, B("first"));
        Assert.True(created.Succeeded);
        Assert.Equal(created.Version, (await Store.GetAsync(P + "c"))!.Version);

        var again = await Store.CompareAndSetAsync(P + "c", 0, B("second"));
        Assert.False(again.Succeeded);
        Assert.Equal(created.Version, again.Version);
        Assert.Equal("first", S((await Store.GetAsync(P + "c"))!.Value));
    }

    [Fact]
    public async Task CompareAndSet_CurrentVersion_Writes_StaleVersion_Fails()
    {
        var v1 = await Store.SetAsync(P + "c", B("1"));
        var ok = await Store.CompareAndSetAsync(P + "c", v1, B("2"));
        Assert.True(ok.Succeeded);
        Assert.True(ok.Version > v1);

        var stale = await Store.CompareAndSetAsync(P + "c", v1, B("3"));
        Assert.False(stale.Succeeded);
        Assert.Equal(ok.Version, stale.Version);
        Assert.Equal("2", S((await Store.GetAsync(P + "c"))!.Value));
    }

    [Fact]
    public async Task CompareAndSet_VersionOnMissingKey_FailsWithZero()
    {
        var result = await Store.CompareAndSetAsync(P + "nothing", 5, B("x"));
        Assert.False(result.Succeeded);
        Assert.Equal(0, result.Version);
        Assert.Null(await Store.GetAsync(P + "nothing"));
    }

    [Fact]
    public async Task CompareAndSet_ConcurrentIncrements_NoneLost()
    {
        const int Writers = 8;
        const int PerWriter = 25;
        await Store.SetAsync(P + "counter", B("0"));
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                while (true)
                {
                    var current = (await Store.GetAsync(P + "counter"))!;
                    var next = int.Parse(S(current.Value), System.Globalization.CultureInfo.InvariantCulture) + 1;
                    if ((await Store.CompareAndSetAsync(P + "counter", current.Version, B(next.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Succeeded) break;
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        Assert.Equal((Writers * PerWriter).ToString(System.Globalization.CultureInfo.InvariantCulture), S((await Store.GetAsync(P + "counter"))!.Value));
    }

    [Fact]
    public async Task Delete_ExistingKey_True_ThenGone_MissingKey_False()
    {
        await Store.SetAsync(P + "d", B("x"));
        Assert.True(await Store.DeleteAsync(P + "d"));
        Assert.Null(await Store.GetAsync(P + "d"));
        Assert.False(await Store.DeleteAsync(P + "d"));
        Assert.True((await Store.CompareAndSetAsync(P + "d", 0, B("again"))).Succeeded);
    }

    [Fact]
    public async Task ListKeys_ByPrefix_SortedOrdinal_OnlyUnderPrefix()
    {
        foreach (var k in new[] { "b", "a", "a/2", "a/1", "B" }) await Store.SetAsync(P + k, B(k));
        await Store.SetAsync(P[..^1] + "x/other", B("not mine"));

        Assert.Equal(new[] { P + "B", P + "a", P + "a/1", P + "a/2", P + "b" }, await Store.ListKeysAsync(P));
        Assert.Equal(new[] { P + "a/1", P + "a/2" }, await Store.ListKeysAsync(P + "a/"));
        Assert.Empty(await Store.ListKeysAsync(P + "zzz"));

        await Store.DeleteAsync(P + "a/1");
        Assert.Equal(new[] { P + "a/2" }, await Store.ListKeysAsync(P + "a/"));
    }
}
