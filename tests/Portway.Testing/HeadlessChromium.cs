using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portway.Testing;

/// <summary>
/// A real headless Chromium (Debian's <c>chromium</c> package, installed with apt-get when missing) driven over the
/// DevTools protocol on a <see cref="ClientWebSocket"/>: one page, its console errors, uncaught exceptions and
/// failed loads recorded, every URL it requests recorded, and JavaScript evaluated in it.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly StringBuilder _output = new();
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Console errors, uncaught exceptions and failed loads (network, CSP) of the page so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Every URL the page requested so far.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Starts Chromium headless on a free DevTools port and attaches to its first page.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        await SystemPackages.EnsureAsync("chromium", "command -v chromium");
        var profile = Path.Combine(Path.GetTempPath(), "portway-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start: run `apt-get install -y chromium`");
        var browser = new HeadlessChromium(process, profile);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (browser._output) browser._output.AppendLine(e.Data);
            if (DevToolsLine().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += collect;
        process.OutputDataReceived += collect;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(StartTimeout);
            if (first != listening.Task) throw new InvalidOperationException("chromium exited before its DevTools endpoint was up:\n" + browser.Output);
            await browser.AttachAsync(await listening.Task);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>What Chromium printed (for a failure message).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Loads <paramref name="url"/> and waits for the page's load event.</summary>
    public async Task NavigateAsync(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await CallAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        if (result.TryGetProperty("errorText", out var error)) throw new InvalidOperationException($"navigating to {url} failed: {error.GetString()}");
        await _loaded.Task.WaitAsync(CallTimeout);
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (promises awaited) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var thrown)) throw new InvalidOperationException($"the page threw evaluating {expression}: {thrown}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Evaluates <paramref name="expression"/> until <paramref name="condition"/> holds for its value, within <paramref name="timeout"/>; returns that value.</summary>
    public async Task<JsonElement> UntilAsync(string expression, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = new CancellationTokenSource(timeout);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var last = default(JsonElement);
        while (true)
        {
            last = await EvaluateAsync(expression);
            if (condition(last)) return last;
            try
            {
                await tick.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not true within {timeout.TotalSeconds} s: {what}; last value {last}; page errors: {string.Join(" | ", Errors)}");
            }
        }
    }

    /// <summary>Saves a PNG of the page (a full page of <paramref name="width"/> x <paramref name="height"/> CSS pixels) to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path, int width = 1400, int height = 2000)
    {
        await CallAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        var shot = await CallAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }

    private async Task AttachAsync(Uri browserEndpoint)
    {
        using var http = new HttpClient { Timeout = CallTimeout };
        var targets = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{browserEndpoint.Authority}/json/list"))).RootElement;
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        await _socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), _closing.Token);
        _receiving = Task.Run(ReceiveLoopAsync);
        foreach (var domain in (string[])["Page", "Runtime", "Log", "Network"])
        {
            await CallAsync(domain + ".enable", new JsonObject());
        }
    }

    private async Task<JsonElement> CallAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = answer;
        var message = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        await _sendGate.WaitAsync(_closing.Token);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, _closing.Token);
        }
        finally
        {
            _sendGate.Release();
        }

        try
        {
            return await answer.Task.WaitAsync(CallTimeout);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (read.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, read.Count);
                if (!read.EndOfMessage) continue;
                using (var doc = JsonDocument.Parse(message.ToArray()))
                {
                    Dispatch(doc.RootElement);
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        foreach (var call in _calls.Values) call.TrySetException(new InvalidOperationException("the DevTools connection closed:\n" + Output));
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (_calls.TryGetValue(id.GetInt32(), out var call))
            {
                if (message.TryGetProperty("error", out var error)) call.TrySetException(new InvalidOperationException("DevTools call failed: " + error));
                else call.TrySetResult(message.GetProperty("result").Clone());
            }

            return;
        }

        var parameters = message.TryGetProperty("params", out var p) ? p : default;
        switch (message.GetProperty("method").GetString())
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Network.requestWillBeSent":
                _requests.Enqueue(parameters.GetProperty("request").GetProperty("url").GetString()!);
                break;
            case "Runtime.consoleAPICalled" when parameters.GetProperty("type").GetString() is "error" or "assert":
                _errors.Enqueue("console: " + string.Join(" ", parameters.GetProperty("args").EnumerateArray().Select(a => a.TryGetProperty("value", out var v) ? v.ToString() : a.ToString())));
                break;
            case "Runtime.exceptionThrown":
                _errors.Enqueue("exception: " + parameters.GetProperty("exceptionDetails"));
                break;
            case "Log.entryAdded" when parameters.GetProperty("entry").GetProperty("level").GetString() == "error":
                var entry = parameters.GetProperty("entry");
                _errors.Enqueue($"log: {entry.GetProperty("text").GetString()} {(entry.TryGetProperty("url", out var url) ? url.GetString() : "")}");
                break;
            case "Network.loadingFailed" when !(parameters.TryGetProperty("canceled", out var canceled) && canceled.GetBoolean()):
                _errors.Enqueue("load failed: " + parameters.GetProperty("errorText").GetString());
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }

        await _receiving.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _socket.Dispose();
        _process.Dispose();
        _closing.Dispose();
        _sendGate.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
