using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>A wrong method on a built-in endpoint is 405 with Allow; a node input that does not bind names JSON fields, not .NET types.</summary>
public sealed class BuiltinAndBindingErrorTests : IAsyncLifetime
{
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync() => (_server, _) = await HttpTestConfig.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("POST", "/health")]
    [InlineData("DELETE", "/stats")]
    public async Task WrongMethodOnABuiltinEndpoint_Is405WithAllow(string method, string path)
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal("method_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), error.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task GetOnABuiltinEndpoint_StillAnswers()
    {
        using var response = await _server.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"code\":5}", "$.code: expected a string")]
    [InlineData("[1,2]", "input: expected an object")]
    [InlineData("\"text\"", "input: expected an object")]
    [InlineData("{\"code\":\"conflict\",\"message\":{\"a\":1}}", "$.message: expected a string")]
    public async Task InputThatDoesNotBind_NamesTheJsonField_NotAClrType(string body, string expected)
    {
        using var response = await _server.Client.PostAsync("/v1/fail", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var message = JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, message);
        Assert.DoesNotContain("Portway.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }
}
