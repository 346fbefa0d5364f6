using System.Runtime.InteropServices;

namespace Portway.Internal.Security;

/// <summary>
/// OpenSSL libcrypto's low-level SHA-256 (<c>SHA256_Init</c> / <c>SHA256_Update</c> / <c>SHA256_Final</c>), the
/// same library .NET's cryptography uses on Linux, called directly: one native call per step, with none of the
/// per-call EVP provider overhead (about 0.8 µs a call with OpenSSL 3.0, more than hashing a small envelope costs).
/// </summary>
/// <remarks>
/// Only the digest primitive comes from here; <see cref="HmacSha256"/> builds RFC 2104 HMAC on it and checks itself
/// against the platform's <see cref="System.Security.Cryptography.HMACSHA256"/> before using it. Not available off
/// Linux or without libcrypto 3: callers then use the platform's HMAC.
/// </remarks>
internal static unsafe partial class OpenSslSha256
{
    /// <summary>Bytes reserved for a <c>SHA256_CTX</c> (112 in OpenSSL 1.1 and 3.x), with room to spare.</summary>
    public const int ContextSize = 128;

    /// <summary>Inputs up to this length are hashed without a GC transition (the call is well under a microsecond).</summary>
    private const int ShortInput = 2048;

    private const string Library = "libcrypto.so.3";

    /// <summary>Whether libcrypto 3's SHA-256 was found (Linux only; resolved on first use).</summary>
    public static bool IsAvailable { get; } = Probe();

    /// <summary>Starts a digest in <paramref name="context"/> (<see cref="ContextSize"/> bytes).</summary>
    public static void Init(byte* context) => Check(SHA256_Init(context));

    /// <summary>Adds <paramref name="length"/> bytes at <paramref name="data"/> to the digest.</summary>
    public static void Update(byte* context, byte* data, int length) =>
        Check(length <= ShortInput ? SHA256_Update_Short(context, data, (nuint)length) : SHA256_Update(context, data, (nuint)length));

    /// <summary>Writes the 32-byte digest to <paramref name="digest"/>; the context is spent.</summary>
    public static void Final(byte* context, byte* digest) => Check(SHA256_Final(digest, context));

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, typeof(OpenSslSha256).Assembly, null, out var library))
        {
            return false;
        }

        return NativeLibrary.TryGetExport(library, "SHA256_Init", out _)
            && NativeLibrary.TryGetExport(library, "SHA256_Update", out _)
            && NativeLibrary.TryGetExport(library, "SHA256_Final", out _);
    }

    private static void Check(int result)
    {
        if (result != 1)
        {
            throw new System.Security.Cryptography.CryptographicException("libcrypto SHA-256 call failed");
        }
    }

    [LibraryImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SHA256_Init(byte* context);

    [LibraryImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SHA256_Update(byte* context, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "SHA256_Update")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    private static partial int SHA256_Update_Short(byte* context, byte* data, nuint length);

    [LibraryImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    private static partial int SHA256_Final(byte* digest, byte* context);
}
