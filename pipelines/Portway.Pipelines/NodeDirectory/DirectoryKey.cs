using System.Buffers.Text;
using System.Security.Cryptography;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The directory's signing key: ECDSA P-256 (ES256) through .NET's own crypto. Kept as PKCS#8 PEM at
/// <c>DATA_DIR/directory/signing-key.pem</c> (mode 0600), created on first use, so tokens stay verifiable across
/// restarts. <see cref="KeyId"/> names the key: the first 16 bytes of the SHA-256 of its public key, base64url.
/// </summary>
internal sealed class DirectoryKey : IDisposable
{
    /// <summary>The file name under the directory's state folder.</summary>
    public const string FileName = "signing-key.pem";

    private readonly ECDsa _key;

    private DirectoryKey(ECDsa key)
    {
        _key = key;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = Base64Url.EncodeToString(SHA256.HashData(spki).AsSpan(0, 16));
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The key's id (<c>kid</c>).</summary>
    public string KeyId { get; }

    /// <summary>The public key, SubjectPublicKeyInfo PEM: what verifiers need.</summary>
    public string PublicKeyPem { get; }

    /// <summary>A new key held in memory only.</summary>
    public static DirectoryKey CreateEphemeral() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The key stored in <paramref name="folder"/>, created there (atomically, owner-only) when missing.</summary>
    public static DirectoryKey LoadOrCreate(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var writer = new StreamWriter(temp, options))
                {
                    writer.Write(fresh.ExportPkcs8PrivateKeyPem());
                }

                // Of two processes creating the key at once, the first rename wins and both load it.
                if (!NoReplace(temp, path))
                {
                    File.Delete(temp);
                }
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"{path} does not hold an ECDSA P-256 key");
            }

            return new DirectoryKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>An ES256 signature of <paramref name="data"/> (r || s, 64 bytes).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();

    private static bool NoReplace(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
