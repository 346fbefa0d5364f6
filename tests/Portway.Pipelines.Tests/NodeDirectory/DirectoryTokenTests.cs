using System.Buffers.Text;
using System.Text;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

public sealed class DirectoryTokenTests : IDisposable
{
    private readonly DirectoryFixture _fixture = new();

    private NodeDirectoryService Directory => _fixture.Directory;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Issue_VerifiesOfflineFromThePublishedKeyAlone()
    {
        await _fixture.RegisterAsync("n1");
        var (token, expiresAt) = await _fixture.IssueTokenAsync("n1");
        using var elsewhere = new DirectoryTokenVerifier(Directory.Key.PublicKeyPem, _fixture.Clock);

        var check = elsewhere.Verify(token);

        Assert.True(check.Valid, check.Detail);
        Assert.Equal("n1", check.NodeId);
        Assert.Equal(expiresAt, check.ExpiresAt);
        Assert.Equal(_fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(5), expiresAt);
        Assert.False(check.FromCache);
    }

    [Fact]
    public async Task Verify_JustBeforeExpiryValid_AtExpiryExpired_EvenWhenCached()
    {
        await _fixture.RegisterAsync("n1");
        var (token, _) = await _fixture.IssueTokenAsync("n1");
        Assert.True(Directory.Verifier.Verify(token).Valid);

        _fixture.Clock.Advance(DirectoryToken.Lifetime - TimeSpan.FromTicks(1));
        var justBefore = Directory.Verifier.Verify(token);
        _fixture.Clock.Advance(TimeSpan.FromTicks(1));
        var at = Directory.Verifier.Verify(token);

        Assert.True(justBefore.Valid);
        Assert.True(justBefore.FromCache);
        Assert.False(at.Valid);
        Assert.Equal("expired", at.Problem);
    }

    [Fact]
    public async Task Verify_TamperedClaims_IsBadSignature()
    {
        await _fixture.RegisterAsync("n1");
        await _fixture.RegisterAsync("n2");
        var (token, _) = await _fixture.IssueTokenAsync("n1");
        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"n1\"", "\"n2\"", StringComparison.Ordinal);
        var forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims)) + "." + parts[2];

        var check = Directory.Verifier.Verify(forged);

        Assert.False(check.Valid);
        Assert.Equal("bad_signature", check.Problem);
    }

    [Fact]
    public async Task Verify_TamperedSignature_IsBadSignature()
    {
        await _fixture.RegisterAsync("n1");
        var (token, _) = await _fixture.IssueTokenAsync("n1");
        var signature = Base64Url.DecodeFromChars(token.Split('.')[2]);
        signature[10] ^= 0x01;
        var forged = token[..(token.LastIndexOf('.') + 1)] + Base64Url.EncodeToString(signature);

        Assert.Equal("bad_signature", Directory.Verifier.Verify(forged).Problem);
    }

    [Fact]
    public async Task Verify_ByAnotherDirectorysKey_IsWrongKey()
    {
        await _fixture.RegisterAsync("n1");
        var (token, _) = await _fixture.IssueTokenAsync("n1");
        using var other = DirectoryKey.CreateEphemeral();
        using var otherVerifier = new DirectoryTokenVerifier(other.PublicKeyPem, _fixture.Clock);
        var (otherToken, _) = DirectoryToken.Issue(other, "n1", _fixture.Clock.GetUtcNow());

        Assert.Equal("wrong_key", otherVerifier.Verify(token).Problem);
        Assert.Equal("wrong_key", Directory.Verifier.Verify(otherToken).Problem);
    }

    [Fact]
    public void Verify_OtherKeyWithThisKid_IsBadSignature()
    {
        using var other = DirectoryKey.CreateEphemeral();
        var (otherToken, _) = DirectoryToken.Issue(other, "n1", _fixture.Clock.GetUtcNow());
        var parts = otherToken.Split('.');
        var header = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])).Replace(other.KeyId, Directory.Key.KeyId, StringComparison.Ordinal);
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + parts[1] + "." + parts[2];

        Assert.Equal("bad_signature", Directory.Verifier.Verify(forged).Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("e30.e30.e30")]
    public void Verify_Malformed_IsMalformed(string token)
    {
        Assert.Equal("malformed", Directory.Verifier.Verify(token).Problem);
    }

    [Fact]
    public void Verify_IssuedInTheFuture_IsNotYetValid()
    {
        var (token, _) = DirectoryToken.Issue(Directory.Key, "n1", _fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(2));

        Assert.Equal("not_yet_valid", Directory.Verifier.Verify(token).Problem);
    }

    [Fact]
    public async Task IssueToken_NodeInComa_IsConflict_UntilItsHeartbeat()
    {
        await _fixture.RegisterAsync("n1");
        _fixture.Clock.Advance(Directory.Lifecycle.StartOf(DirectoryNodeState.Coma));

        var ex = await Assert.ThrowsAsync<PortwayException>(async () => await (_fixture.IssueTokenAsync("n1")));
        await _fixture.HeartbeatAsync("n1");

        Assert.Equal(ErrorCode.Conflict, ex.Error.Code);
        Assert.True(Directory.Verifier.Verify((await _fixture.IssueTokenAsync("n1")).Token).Valid);
    }

    [Fact]
    public async Task IssueToken_UnknownNode_IsNotFound()
    {
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<PortwayException>(async () => await (_fixture.IssueTokenAsync("nobody")))).Error.Code);
    }

    [Fact]
    public void Key_LoadOrCreate_KeepsTheSameKeyAcrossLoads_OwnerOnly()
    {
        var folder = Path.Combine(Path.GetTempPath(), "portway-dir-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var first = DirectoryKey.LoadOrCreate(folder);
            using var second = DirectoryKey.LoadOrCreate(folder);
            var (token, _) = DirectoryToken.Issue(first, "n1", _fixture.Clock.GetUtcNow());
            using var verifier = new DirectoryTokenVerifier(second.PublicKeyPem, _fixture.Clock);

            Assert.Equal(first.KeyId, second.KeyId);
            Assert.True(verifier.Verify(token).Valid);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, DirectoryKey.FileName)));
            }

            Assert.Single(System.IO.Directory.GetFiles(folder));
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }
}
