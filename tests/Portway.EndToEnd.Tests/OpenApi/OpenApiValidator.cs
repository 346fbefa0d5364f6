using System.Diagnostics;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.OpenApi;

/// <summary>
/// An independent OpenAPI 3.1 validator: npm's <c>@seriousme/openapi-schema-validator</c> (the official OpenAPI JSON
/// schemas), installed with npm into a folder under the temp directory on first use and run with node.
/// </summary>
internal static class OpenApiValidator
{
    private const string Package = "@seriousme/openapi-schema-validator@2.11.0";
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "portway-openapi-validator");
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private const string Script = """
        import { Validator } from "@seriousme/openapi-schema-validator";
        import { readFileSync } from "node:fs";
        const validator = new Validator();
        const result = await validator.validate(JSON.parse(readFileSync(process.argv[1], "utf8")));
        console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));
        process.exit(result.valid ? 0 : 1);
        """;

    /// <summary>(valid, the validator's output) for the document in <paramref name="json"/>.</summary>
    public static async Task<(bool Valid, string Output)> ValidateAsync(string json)
    {
        await SystemPackages.EnsureAsync("nodejs", "node --version");
        await SystemPackages.EnsureAsync("npm", "npm --version");
        await Gate.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@seriousme", "openapi-schema-validator")))
            {
                Directory.CreateDirectory(Folder);
                var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", Folder, Package]);
                Assert.True(code == 0, $"npm install {Package} failed:\n{output}");
            }
        }
        finally
        {
            Gate.Release();
        }

        var file = Path.Combine(Folder, $"doc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var (exit, result) = await RunAsync("node", ["--input-type=module", "-e", Script, file]);
            return (exit == 0, result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return (process.ExitCode, await stdout + await stderr);
    }
}
