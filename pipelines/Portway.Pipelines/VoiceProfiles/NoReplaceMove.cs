using System.Runtime.InteropServices;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// Moves a file to a name only when that name does not exist yet, atomically: of concurrent movers to one new
/// name exactly one succeeds, the others are told the name exists.
/// </summary>
/// <remarks>
/// <c>File.Move(overwrite: false)</c> does not give that on Unix: it checks for the destination, then calls
/// <c>rename(2)</c>, which replaces; two movers can both pass the check. <c>link(2)</c> fails with
/// <c>EEXIST</c> when the name exists, so it is the atomic test-and-create; the source is unlinked after it.
/// On Windows <c>MoveFileEx</c> without <c>REPLACE_EXISTING</c> is already atomic.
/// </remarks>
internal static partial class NoReplaceMove
{
    private const int EEXIST = 17;

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; false (source left) when the destination exists.</summary>
    public static bool TryMove(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        if (link(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == EEXIST
                ? false
                : throw new IOException($"link({source}, {destination}) failed: errno {errno}");
        }

        File.Delete(source);
        return true;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
