using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Portway.Internal.Security;

/// <summary>
/// Cryptographically secure random bytes straight from the kernel's generator (<c>getrandom(2)</c>, what
/// <see cref="Guid.NewGuid"/> uses on Linux) for the per-thread batches of <see cref="EnvelopeIds"/>; elsewhere,
/// or if the call fails, <see cref="RandomNumberGenerator"/>.
/// </summary>
/// <remarks>
/// <see cref="RandomNumberGenerator"/> is OpenSSL's generator on Linux, whose first use sets up OpenSSL's random
/// machinery: measured at about 4.5 MiB more resident memory in a host that otherwise never needs it (the default
/// profile signs nothing in process). Both are the same strength; only the source differs.
/// </remarks>
internal static unsafe partial class KernelRandom
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public static void Fill(Span<byte> destination)
    {
        if (!OperatingSystem.IsLinux() || !TryGetRandom(destination))
        {
            RandomNumberGenerator.Fill(destination);
        }
    }

    private static bool TryGetRandom(Span<byte> destination)
    {
        fixed (byte* start = destination)
        {
            // Above 256 bytes a signal may cut the call short: ask again for the rest.
            for (var filled = 0; filled < destination.Length;)
            {
                var read = GetRandom(start + filled, (nuint)(destination.Length - filled), 0);
                if (read <= 0)
                {
                    if (read < 0 && Marshal.GetLastPInvokeError() == EINTR)
                    {
                        continue;
                    }

                    return false;
                }

                filled += (int)read;
            }
        }

        return true;
    }

    private const int EINTR = 4;

    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    private static partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
