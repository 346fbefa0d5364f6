using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace Portway.PublicApi.Tests;

/// <summary>
/// The built-in adapters use the framework's public surface only, exactly as a third party's adapter must; the
/// WebSocket and GraphQL adapters use the HTTP adapter's public surface only (correlation, boundary policies,
/// error body), as a third party's adapter on ASP.NET Core would.
/// </summary>
public sealed class AdapterAssembliesTests
{
    private static readonly Assembly Framework = typeof(IPortwayInvoker).Assembly;
    private static readonly Assembly Http = typeof(Portway.Adapters.Http.HttpPortwayBuilderExtensions).Assembly;

    public static TheoryData<string> HttpDependents => new()
    {
        typeof(Portway.Adapters.WebSocket.WebSocketPortwayBuilderExtensions).Assembly.Location,
        typeof(Portway.Adapters.GraphQL.GraphQLPortwayBuilderExtensions).Assembly.Location,
    };

    /// <summary>Each adapter and the port it is built on (the ingress adapters call the invoker; the egress adapter implements the egress port).</summary>
    public static TheoryData<string, string> Adapters => new()
    {
        { typeof(Portway.Adapters.Http.HttpPortwayBuilderExtensions).Assembly.Location, "Portway.IPortwayInvoker" },
        { typeof(Portway.Adapters.WebSocket.WebSocketPortwayBuilderExtensions).Assembly.Location, "Portway.IPortwayInvoker" },
        { typeof(Portway.Adapters.GraphQL.GraphQLPortwayBuilderExtensions).Assembly.Location, "Portway.IPortwayInvoker" },
        { typeof(Portway.Adapters.Egress.EgressPortwayBuilderExtensions).Assembly.Location, "Portway.Egress.IPortwayEgress" },
    };

    [Fact]
    public void Framework_GrantsNoAdapterItsInternals()
    {
        var friends = Framework.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToArray();

        Assert.NotEmpty(friends); // the test projects and the host: the check below reads real data
        // Test projects may look inside; no adapter (Portway.Adapters.X, Redis included once it lands) may.
        Assert.DoesNotContain(friends, f => f.StartsWith("Portway.Adapters.", StringComparison.Ordinal) && !f.EndsWith(".Tests", StringComparison.Ordinal));
        Assert.DoesNotContain(friends, f => f.StartsWith("Portway.PublicApi", StringComparison.Ordinal));
    }

    [Fact]
    public void HttpAdapter_GrantsNoOtherAdapterItsInternals()
    {
        var friends = Http.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToArray();

        Assert.NotEmpty(friends); // the host and the test projects: the check below reads real data
        Assert.DoesNotContain(friends, f => f.StartsWith("Portway.Adapters.", StringComparison.Ordinal) && !f.EndsWith(".Tests", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Adapter_ReferencesOnlyPublicFrameworkTypes(string path, string port)
    {
        var referenced = ReferencedTypes(path, Framework);

        Assert.NotEmpty(referenced);
        var notPublic = NotPublic(referenced, Framework);
        Assert.True(notPublic.Length == 0, $"{Path.GetFileName(path)} references framework types that are not public: {string.Join(", ", notPublic)}");
        Assert.Contains(port, referenced);
    }

    [Theory]
    [MemberData(nameof(HttpDependents))]
    public void Adapter_ReferencesOnlyPublicHttpAdapterTypes(string path)
    {
        var referenced = ReferencedTypes(path, Http);

        Assert.NotEmpty(referenced); // it does build on the HTTP adapter (correlation, policies, error body)
        var notPublic = NotPublic(referenced, Http);
        Assert.True(notPublic.Length == 0, $"{Path.GetFileName(path)} references HTTP adapter types that are not public: {string.Join(", ", notPublic)}");
        Assert.Contains("Portway.Adapters.Http.IPortwayBoundaryPolicies", referenced);
        Assert.Contains("Portway.Adapters.Http.RequestCorrelation", referenced);
    }

    /// <summary>
    /// The types <paramref name="path"/> references in <paramref name="target"/>. (An internal member of a public type
    /// cannot be reached without an InternalsVisibleTo grant, which the grant tests above rule out.)
    /// </summary>
    private static List<string> ReferencedTypes(string path, Assembly target)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var targetName = target.GetName().Name;
        var referenced = new List<string>();
        foreach (var handle in metadata.TypeReferences)
        {
            var name = FullName(metadata, metadata.GetTypeReference(handle), out var scope);
            if (scope.Kind == HandleKind.AssemblyReference
                && metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) == targetName)
            {
                referenced.Add(name);
            }
        }

        return referenced;
    }

    private static string[] NotPublic(IEnumerable<string> referenced, Assembly target) =>
        referenced.Where(n => target.GetType(n) is not { } t || !(t.IsPublic || t.IsNestedPublic)).ToArray();

    /// <summary>The reflection name of a type reference (<c>Outer+Inner</c> for nested ones) and the scope it resolves in.</summary>
    private static string FullName(MetadataReader metadata, TypeReference reference, out EntityHandle scope)
    {
        var name = metadata.GetString(reference.Name);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var outer = FullName(metadata, metadata.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope), out scope);
            return outer + "+" + name;
        }

        scope = reference.ResolutionScope;
        var ns = metadata.GetString(reference.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
