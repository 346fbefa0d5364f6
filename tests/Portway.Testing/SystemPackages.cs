using System.Diagnostics;

namespace Portway.Testing;

/// <summary>Debian packages a test needs (a parser, a browser): installed with apt-get when missing, as root; else a clear failure.</summary>
public static class SystemPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _updated;

    /// <summary>Makes sure <paramref name="probe"/> (a shell command) succeeds, installing <paramref name="package"/> when it does not.</summary>
    public static async Task EnsureAsync(string package, string probe)
    {
        if (await RunAsync("/bin/sh", ["-c", probe]) == 0)
        {
            return;
        }

        await Gate.WaitAsync();
        try
        {
            if (await RunAsync("/bin/sh", ["-c", probe]) == 0)
            {
                return;
            }

            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"this test needs the Debian package {package}: run `sudo apt-get install -y {package}`");
            }

            if (!_updated)
            {
                await RunAsync("apt-get", ["update", "-q"]);
                _updated = true;
            }

            var installed = await RunAsync("apt-get", ["install", "-y", "-q", "--no-install-recommends", package], new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
            if (installed != 0 || await RunAsync("/bin/sh", ["-c", probe]) != 0)
            {
                throw new InvalidOperationException($"installing {package} failed (exit {installed}): run `apt-get install -y {package}`");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs a command to its end (at most 15 minutes) and returns its exit code; output is discarded.</summary>
    public static async Task<int> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var drainOut = process.StandardOutput.ReadToEndAsync();
        var drainErr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));
        await Task.WhenAll(drainOut, drainErr);
        return process.ExitCode;
    }
}
