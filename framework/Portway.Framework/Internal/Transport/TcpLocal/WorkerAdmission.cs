using System.Security.Cryptography;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// One-time admission tokens for the children the supervisor starts: each gets a fresh random token in its bootstrap
/// and proves it in the first <see cref="TokenLength"/> bytes of its connection. Only a connection with a token
/// outstanding gets a reading thread and a chance to say hello; anything else costs the listener one socket for a
/// short while, so a local process holding connections open cannot keep an expected child out.
/// </summary>
internal sealed class WorkerAdmission
{
    public const int TokenLength = 32;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _outstanding = new(StringComparer.Ordinal);

    /// <summary>Tokens issued and not yet used or revoked.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock) return _outstanding.Count;
        }
    }

    /// <summary>A fresh token for a child about to start.</summary>
    public byte[] Issue()
    {
        var token = RandomNumberGenerator.GetBytes(TokenLength);
        lock (_lock) _outstanding.Add(Convert.ToHexString(token));
        return token;
    }

    /// <summary>Forgets a token that was not used (its child exited).</summary>
    public void Revoke(ReadOnlySpan<byte> token)
    {
        lock (_lock) _outstanding.Remove(Convert.ToHexString(token));
    }

    /// <summary>True, once, for a token issued and not revoked.</summary>
    public bool TryRedeem(ReadOnlySpan<byte> token)
    {
        if (token.Length != TokenLength) return false;
        var key = Convert.ToHexString(token);
        lock (_lock) return _outstanding.Remove(key);
    }
}
