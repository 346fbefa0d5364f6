using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portway.Testing;

/// <summary>
/// A node's key pair for the node directory tests: ECDSA P-256 (or RSA), its public key as the directory stores it
/// (base64 DER SubjectPublicKeyInfo) or as PEM, and the signature a node sends with a heartbeat or token request
/// (<c>portway-directory/v1\n{op}\n{id}\n{ts}</c>, SHA-256), exactly as the README tells a node to sign.
/// </summary>
public sealed class DirectoryNodeKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private DirectoryNodeKey(ECDsa? ec, RSA? rsa)
    {
        _ec = ec;
        _rsa = rsa;
        var spki = ec?.ExportSubjectPublicKeyInfo() ?? rsa!.ExportSubjectPublicKeyInfo();
        PublicKey = Convert.ToBase64String(spki);
        PublicKeyPem = ec?.ExportSubjectPublicKeyInfoPem() ?? rsa!.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>A key shared by tests that need one and do not care which.</summary>
    public static DirectoryNodeKey Shared { get; } = CreateEcdsa();

    /// <summary>Another shared key (a second node, or an impostor).</summary>
    public static DirectoryNodeKey Other { get; } = CreateEcdsa();

    /// <summary>The public key as base64 DER SubjectPublicKeyInfo (what the directory answers).</summary>
    public string PublicKey { get; }

    /// <summary>The public key as PEM.</summary>
    public string PublicKeyPem { get; }

    public static DirectoryNodeKey CreateEcdsa() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    public static DirectoryNodeKey CreateRsa(int bits = 2048) => new(null, RSA.Create(bits));

    /// <summary>The signature (base64url) of <paramref name="op"/> by <paramref name="id"/> at Unix second <paramref name="ts"/>.</summary>
    public string Sign(string op, string id, long ts)
    {
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"portway-directory/v1\n{op}\n{id}\n{ts}"));
        var signature = _ec?.SignData(message, HashAlgorithmName.SHA256) ?? _rsa!.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Base64Url.EncodeToString(signature);
    }

    /// <summary>(ts, sig) for <paramref name="op"/> by <paramref name="id"/> at <paramref name="now"/>.</summary>
    public (long Ts, string Sig) Proof(string op, string id, DateTimeOffset now)
    {
        var ts = now.ToUnixTimeSeconds();
        return (ts, Sign(op, id, ts));
    }

    /// <summary>The JSON body <c>{"ts","sig"}</c> of a signed heartbeat or token request.</summary>
    public string Body(string op, string id, DateTimeOffset now)
    {
        var (ts, sig) = Proof(op, id, now);
        return JsonSerializer.Serialize(new { ts, sig });
    }

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }
}
