namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// What a node sends to prove a heartbeat or token request is its own: <see cref="Ts"/>, the time it signed (Unix
/// seconds), and <see cref="Sig"/>, its signature (base64url or base64) over <see cref="NodeSignature.Message"/>.
/// </summary>
internal readonly record struct NodeProof(long? Ts, string? Sig);
