using System.Threading.RateLimiting;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>A lease of a <see cref="ClockedRateLimiter"/>: granted, or refused with the time until a permit frees up.</summary>
internal sealed class ClockedLease : RateLimitLease
{
    private static readonly string[] Names = [MetadataName.RetryAfter.Name];

    public static readonly ClockedLease Granted = new(true, null);

    private readonly TimeSpan? _retryAfter;

    public ClockedLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : Names;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        metadata = null;
        return false;
    }
}
