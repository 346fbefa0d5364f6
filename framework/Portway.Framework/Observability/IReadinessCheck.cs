namespace Portway.Observability;

/// <summary>
/// One condition the host must meet before it takes traffic, asked by the readiness endpoint (<c>GET /ready</c>).
/// Register implementations in DI (<c>services.AddSingleton&lt;IReadinessCheck, MyCheck&gt;()</c>, e.g. a transport
/// checking that its broker is reachable); the host is ready when every registered check is.
/// </summary>
public interface IReadinessCheck
{
    /// <summary>Null when ready; otherwise why not, in words an operator reads (e.g. <c>redis unreachable: ...</c>).</summary>
    /// <param name="cancellationToken">Ends a slow check (the endpoint gives each a few seconds).</param>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
