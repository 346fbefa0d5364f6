using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary>
/// The host keeps ASP.NET Core's automatic authentication middleware off (it marks authentication as placed): the JwtBearer
/// handler runs only for an endpoint with <c>auth: required</c>, called by the boundary policies, never for every request.
/// Observed through the handler's own <c>OnMessageReceived</c> event, the first thing it does when it authenticates.
/// </summary>
public sealed class AuthenticationMiddlewareTests
{
    private const string Yaml = """
        runtime:
          web:
            auth:
              jwt: { issuer: portway-test, audience: portway-test, hs256_secret_env: PORTWAY_JWT_SECRET }
            interfaces:
              - kind: http
                binds: [request, response]
                auth: none
                endpoints:
                  - { route: "POST /v1/open", pipeline: echo }
                  - { route: "POST /v1/closed", pipeline: echo, auth: required }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    [Fact]
    public async Task OpenEndpoint_DoesNotRunTheJwtBearerHandler_ARequiredOneDoes()
    {
        TestConfig.EnsureJwtSecret();
        var handled = 0;
        await using var server = await PortwayTestServer.StartAsync(Yaml, s => s.PostConfigure<JwtBearerOptions>(JwtAuthenticator.Scheme, o =>
        {
            o.Events ??= new JwtBearerEvents();
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = context =>
            {
                Interlocked.Increment(ref handled);
                return inner(context);
            };
        }));

        for (var i = 0; i < 3; i++)
        {
            using var open = await server.Client.PostAsync(new Uri("/v1/open", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        // Also a request with a bearer token to an open endpoint and one to no endpoint at all: nothing authenticates them.
        using (var withToken = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/open", UriKind.Relative)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") })
        {
            withToken.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not.a.token");
            using var response = await server.Client.SendAsync(withToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var missing = await server.Client.GetAsync(new Uri("/nowhere", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Equal(0, Volatile.Read(ref handled));

        // The observation works: the required endpoint runs the handler (once), and without a token it is refused.
        using var closed = await server.Client.PostAsync(new Uri("/v1/closed", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
        Assert.Equal(1, Volatile.Read(ref handled));
    }
}
