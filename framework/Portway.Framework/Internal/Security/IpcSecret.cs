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

    /// <summary>The environment variable that carries the secret hosts and workers of a redis transport share.</summary>
    public const string EnvironmentVariable = "PORTWAY_IPC_SECRET";

    /// <summary>The fewest characters a shared secret may have.</summary>
    public const int MinSharedLength = 32;

    /// <summary>
    /// The secret shared by every host and worker of a redis transport: <c>PORTWAY_IPC_SECRET</c> when set, else the
    /// contents of <c>auth.secret_file</c> (both trimmed; the key is their UTF-8 bytes). Throws
    /// <see cref="InvalidOperationException"/> saying how to set it when neither is there or it is too short.
    /// </summary>
    public static IpcSecret FromShared(Portway.Configuration.IpcAuthConfig auth, string? environment)
    {
        ArgumentNullException.ThrowIfNull(auth);
        string value, source;
        if (!string.IsNullOrWhiteSpace(environment))
        {
            (value, source) = (environment.Trim(), EnvironmentVariable);
        }
        else if (auth.SecretFile is { Length: > 0 } file)
        {
            try
            {
                (value, source) = (File.ReadAllText(file).Trim(), $"execution_ipc.auth.secret_file '{file}'");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"execution_ipc.auth.secret_file: cannot read '{file}' ({ex.Message}); create it with: openssl rand -hex 32 > {file}", ex);
            }
        }
        else
        {
            throw new InvalidOperationException(
                "execution_ipc.transport redis signs every envelope with a secret that all hosts and workers share, and none is set: " +
                $"export {EnvironmentVariable}=$(openssl rand -hex 32) (the same value on every machine), " +
                "or set execution_ipc.auth.secret_file to a file holding it");
        }

        if (value.Length < MinSharedLength)
        {
            throw new InvalidOperationException($"{source}: the shared secret has {value.Length} characters, at least {MinSharedLength} are needed (e.g. openssl rand -hex 32)");
        }

        return new IpcSecret(System.Text.Encoding.UTF8.GetBytes(value));
    }

    public override string ToString() => "IpcSecret(***)";
}
