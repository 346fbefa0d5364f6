using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class VoiceProfileStoreTests : IDisposable
{
    private const int Writers = 16;
    private const int WritesEach = 50;
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Put_WritesOneJsonFileAtDataDirTenantProfile()
    {
        await _dir.Store.PutAsync("acme", "alice", [0.5, 0, 0, 0, 0, 0, 0, 1], CancellationToken.None);

        var json = await File.ReadAllTextAsync(Path.Combine(_dir.DataDir, "acme", "alice.json"));
        Assert.Equal("""{"tenant":"acme","profile":"alice","vector":[0.5,0,0,0,0,0,0,1]}""", json);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Put_CreatesTenantDirectoryOwnerOnlyAndProfileFilesOwnerReadWriteOnly()
    {
        await _dir.Store.PutAsync("acme", "alice", [0.5, 0, 0, 0, 0, 0, 0, 1], CancellationToken.None);
        await _dir.Store.PutAsync("acme", "alice", [0.25, 0, 0, 0, 0, 0, 0, 1], CancellationToken.None);

        const UnixFileMode Rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.Combine(_dir.DataDir, "acme")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.DataDir, "acme", "alice.json")));
    }

    [Theory]
    [InlineData("..", "alice")]
    [InlineData("acme", "..")]
    [InlineData("../x", "alice")]
    [InlineData("acme", "../x")]
    [InlineData("acme", "a/b")]
    public async Task StoreCalledDirectly_WithInvalidName_ThrowsValidationFailedAndWritesNothing(string tenant, string profile)
    {
        var put = await Assert.ThrowsAsync<PortwayException>(() => _dir.Store.PutAsync(tenant, profile, new double[8], CancellationToken.None).AsTask());
        var get = await Assert.ThrowsAsync<PortwayException>(() => _dir.Store.GetAsync(tenant, profile, CancellationToken.None).AsTask());

        Assert.Equal(ErrorCode.ValidationFailed, put.Error.Code);
        Assert.Equal(ErrorCode.ValidationFailed, get.Error.Code);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task StoreCalledDirectly_WithBadVector_ThrowsValidationFailed()
    {
        var ex = await Assert.ThrowsAsync<PortwayException>(() => _dir.Store.PutAsync("acme", "alice", [double.NaN, 0, 0, 0, 0, 0, 0, 0], CancellationToken.None).AsTask());

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Put_CancelledBeforeTheRename_LeavesNoTempFileAndNoProfile()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _dir.Store.PutAsync("acme", "alice", new double[8], cts.Token).AsTask());

        Assert.Equal(["data/acme"], _dir.Entries());
    }

    [Fact]
    public async Task Put_SixteenWritersToOneProfile_LastWriterWinsReadersNeverSeeATornFileAndNoTempFileRemains()
    {
        var put = new ProfilePutNode(_dir.Store);
        var get = new ProfileGetNode(_dir.Store);
        var path = Path.Combine(_dir.DataDir, "acme", "alice.json");
        await NodeCall.OkAsync(put, new { tenant = "acme", profile = "alice", vector = new double[8] });

        var written = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var created = 0;
        var writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                var vector = DistinctVector(t, i);
                written[Key(vector)] = 0;
                var output = await NodeCall.OkAsync(put, new { tenant = "acme", profile = "alice", vector });
                if (output.GetProperty("created").GetBoolean())
                {
                    Interlocked.Increment(ref created);
                }
            }
        })));

        var reads = 0;
        var readers = Task.WhenAll(Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            do
            {
                // Through the node, and the raw file: both must always be a whole, valid document.
                var output = await NodeCall.OkAsync(get, new { tenant = "acme", profile = "alice" });
                AssertValidVector(NodeCall.Vector(output.GetProperty("vector")));
                using var raw = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
                AssertValidVector(NodeCall.Vector(raw.RootElement.GetProperty("vector")));
                Interlocked.Increment(ref reads);
            }
            while (!writers.IsCompleted);
        })));

        await writers.WaitAsync(TimeSpan.FromSeconds(60));
        await readers.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Writers * WritesEach, written.Count);
        Assert.Equal(0, created);
        Assert.True(reads >= 4);
        var final = await _dir.Store.GetAsync("acme", "alice", CancellationToken.None);
        Assert.Contains(Key(final!), written.Keys);
        Assert.Equal(["data/acme", "data/acme/alice.json"], _dir.Entries());
    }

    [Fact]
    public async Task Put_SixteenWritersToDifferentProfiles_AllLand()
    {
        var put = new ProfilePutNode(_dir.Store);
        var created = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                var profile = Profile(t);
                var output = await NodeCall.OkAsync(put, new { tenant = "acme", profile, vector = DistinctVector(t, i) });
                if (output.GetProperty("created").GetBoolean())
                {
                    created.Add(profile);
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        var expectedNames = Enumerable.Range(0, Writers).Select(Profile).ToArray();
        Assert.Equal(expectedNames, _dir.Store.List("acme"));
        Assert.Equal(expectedNames, created.Order(StringComparer.Ordinal).ToArray());
        for (var t = 0; t < Writers; t++)
        {
            // One writer per profile: its last write is the one that stays.
            Assert.Equal(DistinctVector(t, WritesEach - 1), await _dir.Store.GetAsync("acme", Profile(t), CancellationToken.None));
        }

        Assert.Equal(Writers + 1, _dir.Entries().Count); // the tenant directory and one file per profile
    }

    [Fact]
    public async Task Put_ConcurrentCreatorsOfOneNewProfile_ExactlyOneSeesCreated()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var puts = Enumerable.Range(0, Writers).Select(t => Task.Run(async () =>
        {
            await gate.Task;
            return await _dir.Store.PutAsync("acme", "bob", DistinctVector(t, 0), CancellationToken.None);
        })).ToArray();

        gate.SetResult();
        var created = await Task.WhenAll(puts).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Single(created, c => c);
        Assert.Equal(["data/acme", "data/acme/bob.json"], _dir.Entries());
    }

    [Fact]
    public void ResolveDataDir_EnvironmentSet_WinsOverConfig() =>
        Assert.Equal(Path.GetFullPath("/srv/portway"), VoiceProfileStore.ResolveDataDir("/srv/portway/", "./data"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ResolveDataDir_EnvironmentUnset_UsesConfigAgainstCurrentDirectory(string? environment) =>
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "some", "dir"), VoiceProfileStore.ResolveDataDir(environment, "./some/dir"));

    [Fact]
    public void ResolveDataDir_NothingSet_IsDotData() =>
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data"), VoiceProfileStore.ResolveDataDir(null, ""));

    [Fact]
    public void For_SameDataDir_IsOneSharedStore()
    {
        var options = new VoiceProfileOptions { DataDir = _dir.DataDir };

        Assert.Same(VoiceProfileStore.For(options), VoiceProfileStore.For(new VoiceProfileOptions { DataDir = _dir.DataDir + "/" }));
        Assert.Equal(Path.GetFullPath(_dir.DataDir), VoiceProfileStore.For(options).Root);
    }

    [Fact]
    public void For_Options_DataDirFromOptionsNotFromTheEnvironment()
    {
        var previous = Environment.GetEnvironmentVariable(VoiceProfileStore.DataDirVariable);
        Environment.SetEnvironmentVariable(VoiceProfileStore.DataDirVariable, Path.Combine(_dir.DataDir, "not-this-one"));
        try
        {
            Assert.Equal(Path.GetFullPath(_dir.DataDir), VoiceProfileStore.For(new VoiceProfileOptions { DataDir = _dir.DataDir }).Root);
        }
        finally
        {
            Environment.SetEnvironmentVariable(VoiceProfileStore.DataDirVariable, previous);
        }
    }

    private static string Profile(int t) => "p" + t.ToString("00", CultureInfo.InvariantCulture);

    private static double[] DistinctVector(int t, int i) =>
        [t / (double)Writers, i / (double)WritesEach, 0.5, 0.25, ((t * WritesEach) + i) / 1000.0, 0, 1, 0.125];

    private static string Key(double[] vector) => string.Join(',', vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static void AssertValidVector(double[] vector)
    {
        Assert.Equal(8, vector.Length);
        Assert.All(vector, v => Assert.InRange(v, 0, 1));
    }
}
