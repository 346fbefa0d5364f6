using System.Diagnostics;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>A Prometheus text exposition parsed by an independent parser (the Python <c>prometheus_client</c> of Debian's python3-prometheus-client, run by the system /usr/bin/python3).</summary>
internal static class PrometheusText
{
    private const string Script = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)})
        print(json.dumps(out))
        """;

    public sealed record Sample(string Family, string Type, string Name, Dictionary<string, string> Labels, double Value);

    /// <summary>Every sample of <paramref name="exposition"/>; throws with the parser's message when the text is not valid.</summary>
    public static async Task<IReadOnlyList<Sample>> ParseAsync(string exposition)
    {
        await SystemPackages.EnsureAsync("python3-prometheus-client", "/usr/bin/python3 -c 'import prometheus_client.parser'");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, "the Prometheus parser refused the scrape: " + await stderr + "\n" + exposition);
        using var doc = JsonDocument.Parse(await stdout);
        return doc.RootElement.EnumerateArray().Select(e => new Sample(
            e.GetProperty("family").GetString()!,
            e.GetProperty("type").GetString()!,
            e.GetProperty("name").GetString()!,
            e.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            e.GetProperty("value").ValueKind == JsonValueKind.Number ? e.GetProperty("value").GetDouble() : double.NaN)).ToArray();
    }
}
