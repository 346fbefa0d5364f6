using System.Runtime.InteropServices;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>fsync(2)</c> of a directory, so a rename in it survives a crash (the file's own flush does not make its new
/// name durable). .NET opens no handle on a directory, hence <c>open(O_RDONLY | O_DIRECTORY)</c> here. No-op on Windows.
/// </summary>
internal static class DirectorySync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux (x86-64 and arm64 both)
    private const int OCloExec = 0x80000;

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = open(directory, ORdOnly | ODirectory | OCloExec);
        if (fd < 0) throw new IOException($"open({directory}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
