using System.Buffers.Text;
using System.Security.Cryptography;
using Portway.Kv;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Refuses a signed request seen before: each accepted signature is remembered for twice
/// <see cref="NodeSignature.Window"/>, on the kv port when there is one (<c>directory/seen/HASH</c>, a create-only
/// compare-and-set with a time to live, so hosts sharing a Redis refuse each other's replays too), else in memory
/// (at most <see cref="MemoryLimit"/> signatures; past that, expired ones are dropped first).
/// </summary>
internal sealed class DirectoryReplayGuard(IKvStore? kv, TimeProvider time)
{
    /// <summary>The kv keys' prefix.</summary>
    public const string KeyPrefix = "directory/seen/";

    /// <summary>The most signatures remembered in memory.</summary>
    public const int MemoryLimit = 100_000;

    private static readonly TimeSpan Remember = NodeSignature.Window * 2;
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>True the first time <paramref name="signature"/> is offered; false for a replay.</summary>
    public async ValueTask<bool> FirstUseAsync(byte[] signature, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + Base64Url.EncodeToString(SHA256.HashData(signature).AsSpan(0, 18));
        if (kv is not null)
        {
            var written = await kv.CompareAndSetAsync(key, 0, new byte[] { 1 }, Remember, cancellationToken).ConfigureAwait(false);
            return written.Succeeded;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_seen.TryGetValue(key, out var until) && until > now)
            {
                return false;
            }

            if (_seen.Count >= MemoryLimit)
            {
                foreach (var old in _seen.Where(p => p.Value <= now).Select(p => p.Key).ToArray())
                {
                    _seen.Remove(old);
                }

                if (_seen.Count >= MemoryLimit)
                {
                    throw new PortwayException(ErrorCode.Unavailable, "too many signed requests in the last 10 minutes to remember them all; try again");
                }
            }

            _seen[key] = now + Remember;
            return true;
        }
    }
}
