using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The node keys the directory accepts and how it checks a node's signature. A key is an ECDSA P-256 or RSA (2048 bits
/// or more) public key, SubjectPublicKeyInfo as PEM (<c>-----BEGIN PUBLIC KEY-----</c>) or as base64 DER; it is
/// stored as base64 DER. A node signs the UTF-8 bytes of <c>portway-directory/v1\n{op}\n{id}\n{ts}</c> (op
/// <c>heartbeat</c> or <c>token</c>, ts the Unix time in seconds) with SHA-256: ECDSA as r||s (64 bytes, what .NET's
/// <c>SignData</c> gives) or DER, RSA with PKCS#1 v1.5 padding. The directory accepts a ts within
/// <see cref="Window"/> of its clock, either side.
/// </summary>
internal static class NodeSignature
{
    /// <summary>The signed text's first line.</summary>
    public const string Scheme = "portway-directory/v1";

    /// <summary>How far a signature's ts may be from the directory's clock, either side: 5 minutes.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The bytes a node signs.</summary>
    public static byte[] Message(string op, string id, long ts) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Scheme}\n{op}\n{id}\n{ts}"));

    /// <summary>The key as base64 DER SubjectPublicKeyInfo, or throws <c>validation_failed</c> naming what is accepted.</summary>
    public static string Normalize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[]? der = null;
        var text = key.Trim();
        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            if (PemEncoding.TryFind(text, out var fields) && text[fields.Label].SequenceEqual("PUBLIC KEY"))
            {
                der = TryBase64(text[fields.Base64Data].ToString());
            }
        }
        else
        {
            der = TryBase64(text);
        }

        if (der is null || Kind(der) is null)
        {
            throw new PortwayException(ErrorCode.ValidationFailed,
                "public_key must be an ECDSA P-256 or RSA (2048 bits or more) public key: SubjectPublicKeyInfo PEM (-----BEGIN PUBLIC KEY-----) or its base64 DER");
        }

        return Convert.ToBase64String(der);
    }

    /// <summary>Checks <paramref name="proof"/> for <paramref name="op"/> by node <paramref name="id"/>; throws <c>unauthorized</c> naming the problem.</summary>
    /// <returns>The signature's bytes (for the replay guard).</returns>
    public static byte[] Verify(string normalizedKey, string op, string id, NodeProof proof, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(normalizedKey);
        if (proof.Ts is not { } ts || string.IsNullOrEmpty(proof.Sig))
        {
            throw Unauthorized($"signature_missing: a {op} request carries ts (Unix seconds) and sig, the node's signature of \"{Scheme}\\n{op}\\n{id}\\n<ts>\" with its registered key");
        }

        var skew = now.ToUnixTimeSeconds() - ts;
        if (skew > Window.TotalSeconds || skew < -Window.TotalSeconds)
        {
            throw Unauthorized($"signature_expired: ts {ts} is {Math.Abs(skew)} s from the directory's clock (at most {Window.TotalSeconds:F0} s either side)");
        }

        var signature = TryBase64(proof.Sig.Replace('-', '+').Replace('_', '/'));
        if (signature is null || !Verifies(Convert.FromBase64String(normalizedKey), Message(op, id, ts), signature))
        {
            throw Unauthorized($"bad_signature: sig is not node '{id}''s signature of this {op} request with its registered key");
        }

        return signature;
    }

    private static bool Verifies(byte[] spki, byte[] message, byte[] signature)
    {
        switch (Kind(spki))
        {
            case "ec":
                using (var ec = ECDsa.Create())
                {
                    ec.ImportSubjectPublicKeyInfo(spki, out _);
                    return ec.VerifyData(message, signature, HashAlgorithmName.SHA256,
                        signature.Length == 64 ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence);
                }

            case "rsa":
                using (var rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    return rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

            default:
                return false;
        }
    }

    /// <summary><c>ec</c> for a P-256 key, <c>rsa</c> for RSA of 2048 bits or more, else null.</summary>
    private static string? Kind(byte[] spki)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(spki, out var read);
            return read == spki.Length && ec.ExportParameters(false).Curve.Oid.Value == P256Oid ? "ec" : null;
        }
        catch (CryptographicException)
        {
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out var read);
            return read == spki.Length && rsa.KeySize >= 2048 ? "rsa" : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[]? TryBase64(string text)
    {
        text = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
        var padded = (text.Length % 4) switch { 2 => text + "==", 3 => text + "=", _ => text };
        var buffer = new byte[padded.Length * 3 / 4];
        return Convert.TryFromBase64String(padded, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }

    private static PortwayException Unauthorized(string message) => new(ErrorCode.Unauthorized, message);
}
