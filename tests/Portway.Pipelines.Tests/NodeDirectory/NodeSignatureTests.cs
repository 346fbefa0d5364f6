using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>Heartbeat and token requests are signed by the node's registered key (ECDSA P-256 or RSA); anything else is <c>unauthorized</c> naming the problem.</summary>
public sealed class NodeSignatureTests : IDisposable
{
    private readonly DirectoryFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private NodeDirectoryService Directory => _fixture.Directory;

    private long Now => _fixture.Clock.GetUtcNow().ToUnixTimeSeconds();

    private async Task<string> UnauthorizedAsync(Func<ValueTask> call)
    {
        var ex = await Assert.ThrowsAsync<PortwayException>(async () => await call());
        Assert.Equal(ErrorCode.Unauthorized, ex.Error.Code);
        return ex.Error.Message;
    }

    [Fact]
    public async Task Heartbeat_SignedWithTheRegisteredKey_IsAccepted_PemOrBase64Registration()
    {
        using var node = DirectoryNodeKey.CreateEcdsa();
        var registered = await Directory.RegisterAsync("n1", node.PublicKeyPem, [], []);
        var ts = Now;

        var beat = await Directory.HeartbeatAsync("n1", new NodeProof(ts, node.Sign("heartbeat", "n1", ts)));

        Assert.Equal(node.PublicKey, registered.PublicKey);
        Assert.Equal("active", beat.State);
    }

    [Fact]
    public async Task Rsa2048Key_SignsHeartbeatAndToken()
    {
        using var node = DirectoryNodeKey.CreateRsa(2048);
        await Directory.RegisterAsync("r1", node.PublicKeyPem, [], []);
        var ts = Now;

        var beat = await Directory.HeartbeatAsync("r1", new NodeProof(ts, node.Sign("heartbeat", "r1", ts)));
        var (token, _) = await Directory.IssueTokenAsync("r1", new NodeProof(ts, node.Sign("token", "r1", ts)));

        Assert.Equal("active", beat.State);
        Assert.True(Directory.Verifier.Verify(token).Valid);
    }

    [Fact]
    public async Task Missing_IsSignatureMissing()
    {
        await _fixture.RegisterAsync("n1");

        var noSig = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", new NodeProof(Now, null)));
        var noTs = await UnauthorizedAsync(async () => await Directory.IssueTokenAsync("n1", new NodeProof(null, "abc")));

        Assert.StartsWith("signature_missing: ", noSig, StringComparison.Ordinal);
        Assert.StartsWith("signature_missing: ", noTs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_OtherNodesId_OtherOp_OrGarbage_IsBadSignature()
    {
        await _fixture.RegisterAsync("n1");
        var ts = Now;

        var otherKey = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", new NodeProof(ts, DirectoryNodeKey.Other.Sign("heartbeat", "n1", ts))));
        var otherId = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", new NodeProof(ts, DirectoryNodeKey.Shared.Sign("heartbeat", "n2", ts))));
        var otherOp = await UnauthorizedAsync(async () => await Directory.IssueTokenAsync("n1", new NodeProof(ts, DirectoryNodeKey.Shared.Sign("heartbeat", "n1", ts))));
        var otherTs = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", new NodeProof(ts - 1, DirectoryNodeKey.Shared.Sign("heartbeat", "n1", ts))));
        var garbage = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", new NodeProof(ts, "not base64 !")));

        Assert.All([otherKey, otherId, otherOp, otherTs, garbage], m => Assert.StartsWith("bad_signature: ", m, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(-301, false)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public async Task Ts_WithinFiveMinutesEitherSide_ElseSignatureExpired(int offsetSeconds, bool accepted)
    {
        await _fixture.RegisterAsync("n1");
        var ts = Now + offsetSeconds;
        var proof = new NodeProof(ts, DirectoryNodeKey.Shared.Sign("heartbeat", "n1", ts));

        if (accepted)
        {
            Assert.Equal("active", (await Directory.HeartbeatAsync("n1", proof)).State);
        }
        else
        {
            Assert.StartsWith("signature_expired: ", await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", proof)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SameSignatureTwice_IsReplayed_AndTheNodeStaysAsItWas()
    {
        await _fixture.RegisterAsync("n1");
        var proof = DirectoryFixture.Proof(_fixture.Clock, "heartbeat", "n1");
        await Directory.HeartbeatAsync("n1", proof);
        _fixture.Clock.Advance(TimeSpan.FromMinutes(4));

        var replayed = await UnauthorizedAsync(async () => await Directory.HeartbeatAsync("n1", proof));

        Assert.StartsWith("replayed: ", replayed, StringComparison.Ordinal);
        Assert.Equal(_fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(4), (await Directory.GetAsync("n1")).LastSeen);
    }

    [Theory]
    [InlineData("k")]
    [InlineData("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PRIVATE KEY-----")]
    public async Task Register_KeyThatCannotVerify_IsValidationFailed(string key)
    {
        var ex = await Assert.ThrowsAsync<PortwayException>(async () => await Directory.RegisterAsync("n1", key, [], []));

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.StartsWith("public_key must be an ECDSA P-256 or RSA", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_Rsa1024OrP384_IsValidationFailed()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);

        var weak = await Assert.ThrowsAsync<PortwayException>(async () => await Directory.RegisterAsync("n1", rsa.ExportSubjectPublicKeyInfoPem(), [], []));
        var curve = await Assert.ThrowsAsync<PortwayException>(async () => await Directory.RegisterAsync("n1", p384.ExportSubjectPublicKeyInfoPem(), [], []));

        Assert.Equal(ErrorCode.ValidationFailed, weak.Error.Code);
        Assert.Equal(ErrorCode.ValidationFailed, curve.Error.Code);
    }
}
