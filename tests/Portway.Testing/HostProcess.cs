using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Portway.Testing;

/// <summary>
/// The real <c>Portway.Host</c> executable as a child process (from the test's output folder), its output
/// captured; started with <c>--urls http://127.0.0.1:0</c> and ready once it logs where it listens.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _disposed;

    private HostProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public Uri? BaseAddress { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs the host with <paramref name="arguments"/> (e.g. <c>serve --config F</c>); waits for listening when serving.</summary>
    public static async Task<HostProcess> StartAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool waitForListening = true)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Portway.Host"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (waitForListening && !start.ArgumentList.Contains("--urls"))
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }

        return await RunAsync(start, waitForListening, TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Runs any command (e.g. <c>dotnet run --project ...</c>) in <paramref name="workingDirectory"/>, as a user
    /// would from a shell there, without the MSBuild variables of the test run; waits for listening when asked.
    /// </summary>
    public static Task<HostProcess> StartCommandAsync(string workingDirectory, string fileName, IEnumerable<string> arguments, TimeSpan startTimeout, bool waitForListening = true)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        return RunAsync(start, waitForListening, startTimeout);
    }

    private static async Task<HostProcess> RunAsync(ProcessStartInfo start, bool waitForListening, TimeSpan startTimeout)
    {
        var host = new HostProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        host._process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        if (waitForListening)
        {
            var exited = host._process.WaitForExitAsync();
            var first = await Task.WhenAny(host._listening.Task, exited, Task.Delay(startTimeout));
            if (first != host._listening.Task)
            {
                var output = host.Output;
                await host.DisposeAsync();
                throw new InvalidOperationException("the host did not start listening:\n" + output);
            }

            host.BaseAddress = await host._listening.Task;
        }

        return host;
    }

    /// <summary>Sends SIGTERM (what a process manager sends to stop it).</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed: errno " + Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (https?://\S+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
