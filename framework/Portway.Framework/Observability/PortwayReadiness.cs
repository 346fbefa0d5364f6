namespace Portway.Observability;

/// <summary>The host's readiness: every registered <see cref="IReadinessCheck"/>, asked together.</summary>
public sealed class PortwayReadiness(IEnumerable<IReadinessCheck> checks)
{
    private readonly IReadinessCheck[] _checks = checks.ToArray();

    /// <summary>Why the host is not ready (empty when it is), in registration order.</summary>
    public async ValueTask<IReadOnlyList<string>> NotReadyReasonsAsync(CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var check in _checks)
        {
            string? reason;
            try
            {
                reason = await check.CheckAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                reason = $"{check.GetType().Name} did not answer in time";
            }
#pragma warning disable CA1031 // A check that throws makes the host not ready, with the check's message; it never fails the endpoint.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                reason = $"{check.GetType().Name} failed: {ex.Message}";
            }

            if (reason is not null)
            {
                reasons.Add(reason);
            }
        }

        return reasons;
    }
}
