using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;
using static Portway.Adapters.Tests.GraphQL.GraphQLTestConfig;

namespace Portway.Adapters.Tests.GraphQL;

/// <summary>
/// Documents built to make validation expensive (fragment fan-out, thousands of repeated fields, deep nesting,
/// aliased introspection) are <c>validation_failed</c>, and the host still answers an ordinary query promptly
/// afterwards (a deadline on that query; nothing is timed on the bomb itself).
/// </summary>
public sealed class GraphQLLimitsTests : IAsyncLifetime
{
    /// <summary>Generous for a loaded 2-core machine; a bomb that still ran would hold a core for seconds to minutes.</summary>
    private static readonly TimeSpan EchoDeadline = TimeSpan.FromSeconds(10);

    private PortwayTestServer _server = null!;

    public async Task InitializeAsync() => (_server, _) = await StartAsync(Yaml.Replace("max_body_bytes: 4096", "max_body_bytes: 1048576", StringComparison.Ordinal));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary><c>fragment F0 on Query { ...F1 ...F1 }</c> … 30 levels: 2^30 fields once expanded, from 1.2 KB.</summary>
    private static string FragmentFanOut(int levels)
    {
        var fragments = string.Join(' ', Enumerable.Range(0, levels).Select(i => $"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}"));
        return $"query {{ ...F0 }} {fragments} fragment F{levels} on Query {{ echo(x: 1) {{ x }} }}";
    }

    private async Task<JsonElement> PostRejectedAsync(string query)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var body = JsonSerializer.Serialize(new { query });
        using var response = await _server.Client.PostAsync("/graphql", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token)).RootElement;
        Assert.False(root.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null, root.ToString());
        return root.GetProperty("errors")[0];
    }

    private async Task AssertEchoAnswersPromptlyAsync()
    {
        using var cts = new CancellationTokenSource(EchoDeadline);
        var body = JsonSerializer.Serialize(new { query = "{ echo(x: 7) { x } }" });
        using var response = await _server.Client.PostAsync("/graphql", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal("""{"data":{"echo":{"x":7}}}""", await response.Content.ReadAsStringAsync(cts.Token));
    }

    private static void AssertValidationFailed(JsonElement error, string says)
    {
        Assert.Equal("validation_failed", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FragmentFanOut_IsValidationFailed_AndTheHostStillAnswers()
    {
        var error = await PostRejectedAsync(FragmentFanOut(30));

        AssertValidationFailed(error, "max_fields");
        await AssertEchoAnswersPromptlyAsync();
    }

    [Fact]
    public async Task EightThousandRepeatedFields_AreValidationFailed_AndTheHostStillAnswers()
    {
        var query = "{" + string.Join(' ', Enumerable.Repeat("echo { x }", 8000)) + "}";

        // Six at once, as the report did; each is rejected before validation runs.
        var errors = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostRejectedAsync(query)));

        Assert.All(errors, e => AssertValidationFailed(e, "max_tokens"));
        await AssertEchoAnswersPromptlyAsync();
    }

    [Fact]
    public async Task ManyFieldsUnderTheTokenLimit_AreValidationFailedByMaxFields()
    {
        var query = "{" + string.Join(' ', Enumerable.Repeat("echo { x }", 2500)) + "}";

        var error = await PostRejectedAsync(query);

        AssertValidationFailed(error, "max_fields");
        await AssertEchoAnswersPromptlyAsync();
    }

    [Fact]
    public async Task ThreeThousandDeepQuery_IsValidationFailed_NotInternal()
    {
        var query = string.Concat(Enumerable.Repeat("{ echo ", 3000)) + "{ x }" + new string('}', 3000);

        var error = await PostRejectedAsync(query);

        AssertValidationFailed(error, "nested too deeply");
    }

    [Fact]
    public async Task AThousandAliasedSchemaIntrospections_CountAgainstMaxComplexity()
    {
        var query = "{" + string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"a{i}: __schema {{ types {{ name }} }}")) + "}";

        var error = await PostRejectedAsync(query);

        Assert.Equal("validation_failed", error.GetProperty("extensions").GetProperty("code").GetString());
        await AssertEchoAnswersPromptlyAsync();
    }

    [Fact]
    public async Task AliasedIntrospection_UnderMaxFields_CountsAgainstMaxComplexity()
    {
        var (server, _) = await StartAsync("""
            runtime:
              web:
                interfaces:
                  - kind: graphql
                    path: /graphql
                    max_complexity: 100
                    types: { Echo: { x: Int } }
                    query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);
        await using var _s = server;
        var query = "{" + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"t{i}: __type(name: \"Echo\") {{ name kind }}")) + "}";

        using var response = await PostAsync(server.Client, query);
        var error = (await BodyOf(response)).GetProperty("errors")[0];

        Assert.Equal("validation_failed", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("COMPLEXITY", error.GetProperty("extensions").GetProperty("graphql_code").GetString());
    }

    [Fact]
    public async Task StandardIntrospectionQuery_StillPassesWithTheDefaults()
    {
        var (server, _) = await StartAsync("""
            runtime:
              web:
                interfaces:
                  - kind: graphql
                    path: /graphql
                    types: { Echo: { x: Int } }
                    query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);
        await using var _s = server;

        using var response = await PostAsync(server.Client, IntrospectionQuery.Text);
        var body = await BodyOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.True(body.GetProperty("data").GetProperty("__schema").GetProperty("types").GetArrayLength() > 5);
    }

    [Fact]
    public async Task FragmentFanOut_OverWebSocket_IsAnErrorMessage_AndTheSocketGoesOn()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);

        await client.SubscribeAsync("bomb", FragmentFanOut(30));
        var rejected = await client.ReceiveAsync();
        await client.SubscribeAsync("ok", "{ echo(x: 3) { x } }");
        var next = await client.ReceiveAsync();

        Assert.Equal("error", rejected.GetProperty("type").GetString());
        Assert.Equal("bomb", rejected.GetProperty("id").GetString());
        Assert.Equal("validation_failed", rejected.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("next", next.GetProperty("type").GetString());
        Assert.Equal(3, next.GetProperty("payload").GetProperty("data").GetProperty("echo").GetProperty("x").GetInt32());
    }
}
