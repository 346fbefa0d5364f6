using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;

namespace Portway.Testing;

/// <summary>
/// A real <c>redis-server</c> for a test class (<c>IClassFixture&lt;RedisServerFixture&gt;</c>): persistence off
/// (<c>save ""</c>, <c>appendonly no</c>), bound to 127.0.0.1 on a free port, stopped at the end. When the Debian
/// package is missing and the test runs as root, the fixture installs it (<c>apt-get update</c>, then
/// <c>apt-get install -y redis-server</c>); otherwise it fails naming that command — it never skips silently.
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> restart it on the same port (for the "Redis restarted" tests).
/// </summary>
public class RedisServerFixture : IAsyncLifetime
{
    public const string InstallCommand = "apt-get update && apt-get install -y redis-server";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly StringBuilder _output = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("portway-redis-").FullName;
    private Process? _process;
    private string? _executable;

    /// <summary>The loopback port the server listens on (the same across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server (what <c>PORTWAY_REDIS</c> takes).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Whether the server process is running now.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        _executable = await EnsureInstalledAsync();
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 5 && Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between our probe and redis-server's bind: pick another.
            }
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Starts the server on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning) throw new InvalidOperationException("redis-server is already running");
        var start = new ProcessStartInfo(_executable ?? throw new InvalidOperationException("fixture not initialized"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--dir", _directory,
            "--loglevel", "notice",
        }.Concat(ExtraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != ready.Task)
        {
            await StopAsync();
            throw new InvalidOperationException($"redis-server did not become ready on 127.0.0.1:{Port}:\n{Output}");
        }

        await OnReadyAsync();
    }

    /// <summary>More <c>redis-server</c> arguments (a derived fixture's mode).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Runs once the server accepts connections, on every start (a derived fixture's setup).</summary>
    protected virtual Task OnReadyAsync() => Task.CompletedTask;

    /// <summary>Kills the server (SIGKILL: nothing saved, clients see the connection drop) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>The path of <c>redis-server</c>, installing the Debian package first when it is missing and we are root.</summary>
    private static async Task<string> EnsureInstalledAsync()
    {
        if (FindOnPath("redis-server") is { } found) return found;
        if (geteuid() != 0)
        {
            throw new InvalidOperationException($"redis-server is not installed and this user may not install packages; run as root: {InstallCommand}");
        }

        await InstallGate.WaitAsync();
        try
        {
            // One installer at a time across test processes too: apt holds its own lock and fails rather than waits.
            using var machineLock = await AcquireFileLockAsync(Path.Combine(Path.GetTempPath(), "portway-redis-install.lock"));
            if (FindOnPath("redis-server") is { } installed) return installed;
            await RunAsync("apt-get", ["update"]);
            await RunAsync("apt-get", ["install", "-y", "redis-server"]);
            return FindOnPath("redis-server")
                ?? throw new InvalidOperationException($"apt-get installed redis-server but it is not on PATH; install it by hand: {InstallCommand}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} failed (exit {process.ExitCode}); install redis-server by hand: {InstallCommand}\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc")]
    private static extern uint geteuid();
}
