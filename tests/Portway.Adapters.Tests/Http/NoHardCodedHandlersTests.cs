using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Portway.Adapters.Tests.Http;

/// <summary>WEB-06: endpoints come from config alone; no adapter or host code names a route.</summary>
public sealed class NoHardCodedHandlersTests
{
    [Theory]
    [InlineData("Portway.Adapters.Http")]
    [InlineData("Portway.Host")]
    public void WEB06_AdapterAndHostAssemblies_ContainNoRouteLiterals(string assemblyName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var literals = new List<string>();
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            literals.Add(metadata.GetUserString(handle));
            handle = metadata.GetNextHandle(handle);
        }

        Assert.NotEmpty(literals);
        Assert.DoesNotContain(literals, s => s.StartsWith("/v1", StringComparison.Ordinal) || s.Contains("/tenants", StringComparison.Ordinal) || s.Contains("/resonance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WEB06_MappedRoutes_AreExactlyTheConfigsPlusBuiltins()
    {
        var (server, _) = await HttpTestConfig.StartAsync();
        await using var _s = server;

        var patterns = server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!)
            .Where(p => !p.TrimStart('/').StartsWith("{*", StringComparison.Ordinal)) // the not_found fallback (in Portway's route group: "/{*path}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
            new[]
            {
                "/dashboard", "/dashboard/dashboard.css", "/dashboard/dashboard.js", "/dashboard/events", "/dashboard/snapshot", // the dashboard page, its assets and feeds
                "/docs/favicon.svg", "/docs/scalar.aspnetcore.js", "/docs/scalar.js", "/docs/{documentName?}", // the API page and its assets (Scalar)
                "/health", "/metrics", "/openapi.json", "/ready", "/stats", "/v1/delay", "/v1/echo", "/v1/fail", "/v1/gate", "/v1/slow", "/v1/tenants/{tenant}/things/{thing}" },
            patterns);
    }
}
