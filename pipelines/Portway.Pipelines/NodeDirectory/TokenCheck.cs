namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The outcome of verifying a token: valid with its node and expiry, or the problem (<c>malformed</c>,
/// <c>wrong_key</c>, <c>bad_signature</c>, <c>expired</c>, <c>not_yet_valid</c>, <c>wrong_issuer</c>) and why.
/// </summary>
internal sealed record TokenCheck(bool Valid, string? NodeId, DateTimeOffset? ExpiresAt, string? Problem, string? Detail, bool FromCache = false)
{
    public static TokenCheck Ok(string nodeId, DateTimeOffset expiresAt, bool fromCache) => new(true, nodeId, expiresAt, null, null, fromCache);

    public static TokenCheck Fail(string problem, string detail) => new(false, null, null, problem, detail);
}
