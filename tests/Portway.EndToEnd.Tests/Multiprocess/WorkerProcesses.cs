using System.Text.RegularExpressions;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>What the tests learn about a host's worker children: from its log (ready lines) and from <c>/proc</c>.</summary>
internal static partial class WorkerProcesses
{
    /// <summary>The test classes that start worker processes run one at a time (timed assertions stay fair).</summary>
    public const string Collection = "worker processes";

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Every "worker ... is ready" line so far, in order: (worker id, pid).</summary>
    public static IReadOnlyList<(string Worker, int Pid)> Ready(string output) =>
        ReadyLine().Matches(output).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    /// <summary>Waits until <paramref name="count"/> distinct workers have reported ready; returns the latest pid of each.</summary>
    public static async Task<Dictionary<string, int>> WaitReadyAsync(HostProcess host, int count)
    {
        await Eventually.TrueAsync(() => Ready(host.Output).Select(r => r.Worker).Distinct().Count() >= count || host.HasExited, Deadline, $"{count} workers are ready");
        Assert.False(host.HasExited, "the host exited:\n" + host.Output);
        return Latest(host.Output);
    }

    /// <summary>Like <see cref="Eventually.TrueAsync"/> for a condition that needs I/O (no thread blocked while polling).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not true within {Deadline.TotalSeconds} s: {what}");
            }
        }
    }

    public static Dictionary<string, int> Latest(string output) =>
        Ready(output).GroupBy(r => r.Worker).ToDictionary(g => g.Key, g => g.Last().Pid);

    /// <summary>True while <paramref name="pid"/> runs (a zombie, exited but not yet reaped, does not count).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    /// <summary>Kills <paramref name="pid"/> with SIGKILL if it still runs (test cleanup, and the crash under test).</summary>
    public static void Kill(int pid)
    {
        if (IsRunning(pid))
        {
            _ = kill(pid, 9);
        }
    }

    /// <summary>Stops <paramref name="pid"/> with SIGSTOP (frozen: it reads, writes and beats no more), if it runs.</summary>
    public static void Freeze(int pid)
    {
        if (IsRunning(pid))
        {
            _ = kill(pid, 19);
        }
    }

    public static string WriteConfig(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "portway-mp-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [GeneratedRegex(@"Worker (\S+) of group \S+ \(pid (\d+)\) is ready")]
    private static partial Regex ReadyLine();

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
