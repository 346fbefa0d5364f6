using System.Globalization;
using System.Runtime.InteropServices;

namespace Portway.Host.Cli;

/// <summary>
/// <c>portway reload --pid PID</c>: sends SIGHUP to a running <c>portway serve</c>, which reads its config file again
/// (what it also does when the file changes). The serve process logs the outcome: the new version, or each problem.
/// </summary>
internal static class ReloadCommand
{
    private const int SigHup = 1;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args is not ["--pid", { } value] || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            error.WriteLine("portway reload: expected --pid PID (the process id of `portway serve`)");
            return Usage.Print(error);
        }

        if (OperatingSystem.IsWindows())
        {
            error.WriteLine("portway reload: needs a POSIX system (SIGHUP); the serve process also reloads when its file changes");
            return 1;
        }

        if (Kill(pid, SigHup) != 0)
        {
            error.WriteLine($"portway reload: cannot signal process {pid} (errno {Marshal.GetLastPInvokeError()})");
            return 1;
        }

        output.WriteLine($"portway reload: asked process {pid} to reload its config (its log says how it went)");
        return 0;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in the host; one kill(2) call does not warrant it.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
