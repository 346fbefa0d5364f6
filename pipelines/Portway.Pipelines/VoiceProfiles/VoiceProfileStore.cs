using System.Collections.Concurrent;
using System.Text.Json;
using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// File-backed voice profiles: one JSON file per profile at <c>DATA_DIR/TENANT/PROFILE.json</c>.
/// </summary>
/// <remarks>
/// <para>
/// Writes are atomic: the document goes to a uniquely named temp file in the tenant directory
/// (<c>.PROFILE.GUID.tmp</c>), is flushed to disk, then renamed over the final name. A reader opens either the
/// old file or the new one, never a partial one; of concurrent writers the last rename wins; the temp file is
/// deleted when anything fails before the rename. No lock is taken, so this holds across processes too.
/// </para>
/// <para>
/// <c>created</c> is exact even under concurrent writers: the first rename is an atomic no-replace move
/// (<see cref="NoReplaceMove"/>), so exactly one writer of a new profile sees <c>true</c>; the others fall back
/// to an overwriting move and see <c>false</c>.
/// </para>
/// <para>
/// Names are validated (<see cref="VoiceProfileNames"/>) before any path is built, and the resolved paths are
/// checked to stay under the data directory and the tenant directory (defense in depth). Thread-safe.
/// </para>
/// </remarks>
internal sealed class VoiceProfileStore : IVoiceProfileStore
{
    /// <summary>The environment variable that overrides <c>runtime.platform.data_dir</c>.</summary>
    public const string DataDirVariable = "PORTWAY_DATA_DIR";

    private const string Extension = ".json";

    private static readonly ConcurrentDictionary<string, VoiceProfileStore> Stores = new(StringComparer.Ordinal);

    /// <summary>Creates a store rooted at <paramref name="dataDir"/> (made absolute against the current directory).</summary>
    public VoiceProfileStore(string dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
    }

    /// <summary>The data directory, absolute.</summary>
    public string Root { get; }

    /// <summary>The one store for the data directory <paramref name="options"/> names (no second read of the environment: the host put <c>PORTWAY_DATA_DIR</c> there).</summary>
    public static VoiceProfileStore For(VoiceProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDir = ResolveDataDir(null, options.DataDir);
        return Stores.GetOrAdd(dataDir, static dir => new VoiceProfileStore(dir));
    }

    /// <summary>
    /// The data directory, absolute: <paramref name="environmentValue"/> when set (not blank), else
    /// <paramref name="configured"/>, else <c>./data</c>; a relative path is taken against the current directory.
    /// </summary>
    public static string ResolveDataDir(string? environmentValue, string? configured)
    {
        var dir = !string.IsNullOrWhiteSpace(environmentValue) ? environmentValue
            : !string.IsNullOrWhiteSpace(configured) ? configured
            : "./data";
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
    }

    /// <summary>Stores <paramref name="vector"/> as <paramref name="tenant"/>/<paramref name="profile"/>. True when the profile is new.</summary>
    public async ValueTask<bool> PutAsync(string tenant, string profile, IReadOnlyList<double> vector, CancellationToken cancellationToken)
    {
        if (!VoiceVector.IsValid(vector))
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"vector must have exactly {VoiceVector.Dimensions} numbers from 0 to 1");
        }

        var tenantDir = TenantDirectory(tenant);
        var path = ProfilePath(tenantDir, profile);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new VoiceProfile(tenant, profile, [.. vector]), NodeJson.Options);

        CreatePrivateDirectory(tenantDir);
        var temp = Path.Combine(tenantDir, $".{profile}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, PrivateFile);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            var created = NoReplaceMove.TryMove(temp, path);
            if (!created)
            {
                File.Move(temp, path, overwrite: true);
            }

            // The rename is durable only once the directory holding the new name is.
            DirectorySync.Flush(tenantDir);
            return created;
        }
        finally
        {
            // Only left when something failed before a rename took it.
            TryDelete(temp);
        }
    }

    /// <summary>Profile files: readable and writable by the owner only (0600).</summary>
    private static readonly FileStreamOptions PrivateFile = CreatePrivateFileOptions();

    private static FileStreamOptions CreatePrivateFileOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>Creates the data and tenant directories owner-only (0700); profiles are not other users' to read.</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The stored vector, or null when the profile (or the tenant) does not exist.</summary>
    public async ValueTask<double[]?> GetAsync(string tenant, string profile, CancellationToken cancellationToken)
    {
        var path = ProfilePath(TenantDirectory(tenant), profile);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        VoiceProfile? stored;
        try
        {
            stored = JsonSerializer.Deserialize<VoiceProfile>(bytes, NodeJson.Options);
        }
        catch (JsonException)
        {
            stored = null;
        }

        return stored is not null && VoiceVector.IsValid(stored.Vector)
            ? stored.Vector
            : throw new PortwayException(ErrorCode.Internal, $"stored profile {tenant}/{profile} is not a valid voice profile");
    }

    /// <summary>The tenant's profile names, ordinal-sorted; empty for an unknown tenant.</summary>
    public IReadOnlyList<string> List(string tenant)
    {
        var tenantDir = TenantDirectory(tenant);
        try
        {
            return Directory.EnumerateFiles(tenantDir, "*" + Extension)
                .Where(f => f.EndsWith(Extension, StringComparison.Ordinal))
                .Select(Path.GetFileNameWithoutExtension)
                .Where(VoiceProfileNames.IsValid)
                .Select(name => name!)
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken) => ValueTask.FromResult(List(tenant));

    private string TenantDirectory(string tenant)
    {
        VoiceProfileNames.Require(tenant, "tenant");
        var dir = Path.GetFullPath(Path.Combine(Root, tenant));
        return IsDirectChild(Root, dir)
            ? dir
            : throw new PortwayException(ErrorCode.ValidationFailed, "tenant does not name a directory under the data directory");
    }

    private static string ProfilePath(string tenantDir, string profile)
    {
        VoiceProfileNames.Require(profile, "profile");
        var path = Path.GetFullPath(Path.Combine(tenantDir, profile + Extension));
        return IsDirectChild(tenantDir, path)
            ? path
            : throw new PortwayException(ErrorCode.ValidationFailed, "profile does not name a file under the tenant directory");
    }

    private static bool IsDirectChild(string parent, string child) =>
        string.Equals(Path.GetDirectoryName(child), parent, StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
