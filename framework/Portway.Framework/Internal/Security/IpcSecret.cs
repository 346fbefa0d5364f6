using System.Security.Cryptography;

namespace Portway.Internal.Security;

/// <summary>
/// The HMAC key of this process. The host makes a random one; a worker receives its parent's over stdin.
/// It is never logged, never put on a command line or in the environment.
/// </summary>
internal sealed class IpcSecret
{
    public const int Length = 32;

    public IpcSecret(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("the IPC secret must be at least 16 bytes", nameof(key));
        }

        Key = key;
    }

    public byte[] Key { get; }

    public static IpcSecret CreateRandom() => new(RandomNumberGenerator.GetBytes(Length));

    public override string ToString() => "IpcSecret(***)";
}
