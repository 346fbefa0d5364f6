using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Portway.Testing;

/// <summary>Bearer tokens from a running host's <c>POST /v1/auth/token</c>, with the demo API keys of config/runtime.yaml.</summary>
public static class DemoTokens
{
    public const string AcmeKey = "demo-acme-key";
    public const string GlobexKey = "demo-globex-key";

    public static async Task<string> GetAsync(HttpClient client, string apiKey = AcmeKey)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync("/v1/auth/token", new StringContent(JsonSerializer.Serialize(new { api_key = apiKey }), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/auth/token answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Sets <paramref name="client"/>'s default Authorization to a token for <paramref name="apiKey"/>.</summary>
    public static async Task AuthorizeAsync(HttpClient client, string apiKey = AcmeKey)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await GetAsync(client, apiKey));
    }
}
