using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portway.Observability;
using Portway.Testing;
using static Portway.Adapters.Tests.GraphQL.GraphQLTestConfig;

namespace Portway.Adapters.Tests.GraphQL;

public sealed class GraphQLHttpTests : IAsyncLifetime
{
    private PortwayTestServer _server = null!;
    private RecordingEventSink _events = null!;

    public async Task InitializeAsync() => (_server, _events) = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static JsonElement FirstError(JsonElement body) => body.GetProperty("errors")[0];

    private static string CodeOf(JsonElement error) => error.GetProperty("extensions").GetProperty("code").GetString()!;

    [Fact]
    public async Task Query_Echo_MapsAnswerOntoDeclaredTypes()
    {
        using var response = await PostAsync(_server.Client, """{ echo(x: 5, s: "hi", f: 1.5, b: true, id: "a-1", tags: ["a", "b"]) { x s f b id tags } }""");
        var body = await BodyOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"x":5,"s":"hi","f":1.5,"b":true,"id":"a-1","tags":["a","b"]}""", body.GetProperty("data").GetProperty("echo").GetRawText());
        Assert.False(body.TryGetProperty("errors", out _));
        Assert.Single(response.Headers.GetValues("x-request-id"));
    }

    [Fact]
    public async Task Query_OmittedArguments_AreLeftOutOfNodeInput()
    {
        using var response = await PostAsync(_server.Client, "{ echo(x: 1) { x s tags } }");
        var echo = (await BodyOf(response)).GetProperty("data").GetProperty("echo");

        Assert.Equal("""{"x":1,"s":null,"tags":null}""", echo.GetRawText());
    }

    [Fact]
    public async Task Query_WithVariables_PassesThemAsArguments()
    {
        using var response = await PostAsync(_server.Client,
            "query Q($x: Int!, $s: String, $tags: [String!]) { echo(x: $x, s: $s, tags: $tags) { x s tags } }",
            new { x = 42, s = "vars", tags = new[] { "t" } });
        var body = await BodyOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"x":42,"s":"vars","tags":["t"]}""", body.GetProperty("data").GetProperty("echo").GetRawText());
    }

    [Fact]
    public async Task Mutation_OverPost_RunsItsPipeline()
    {
        using var response = await PostAsync(_server.Client, """mutation { put(s: "saved") { s } }""");
        var body = await BodyOf(response);

        Assert.Equal("""{"put":{"s":"saved"}}""", body.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Field_AddedInYaml_IsServedWithoutCode()
    {
        var yaml = Yaml.Replace(
            "mutation:\n          put:",
            "  brand_new: { pipeline: echo, args: { word: String }, returns: Echo2 }\n        mutation:\n          put:",
            StringComparison.Ordinal).Replace(
            "          Tick: { n: Int! }\n",
            "          Tick: { n: Int! }\n          Echo2: { word: String }\n",
            StringComparison.Ordinal);
        Assert.Contains("brand_new", yaml, StringComparison.Ordinal);
        var (server, _) = await StartAsync(yaml);
        await using var _s = server;

        using var added = await PostAsync(server.Client, """{ brand_new(word: "fresh") { word } }""");
        using var absent = await PostAsync(_server.Client, """{ brand_new(word: "fresh") { word } }""");

        Assert.Equal("""{"brand_new":{"word":"fresh"}}""", (await BodyOf(added)).GetProperty("data").GetRawText());
        Assert.Equal("validation_failed", CodeOf(FirstError(await BodyOf(absent))));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK, "application/json")]
    [InlineData("application/json", HttpStatusCode.OK, "application/json")]
    [InlineData(GraphQLResponse, HttpStatusCode.BadRequest, GraphQLResponse)]
    public async Task SyntaxError_AnswersRequestErrorPerAcceptedMediaType(string? accept, HttpStatusCode status, string mediaType)
    {
        using var response = await PostAsync(_server.Client, "{ echo(x: 1 { x }", accept: accept);
        var body = await BodyOf(response);
        var error = FirstError(body);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.False(body.TryGetProperty("data", out _));
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Equal("SYNTAX_ERROR", error.GetProperty("extensions").GetProperty("graphql_code").GetString());
        Assert.Equal(1, error.GetProperty("locations")[0].GetProperty("line").GetInt32());
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), error.GetProperty("extensions").GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task UnknownField_IsAValidationError()
    {
        using var response = await PostAsync(_server.Client, "{ echo(x: 1) { x nope } }", accept: GraphQLResponse);
        var error = FirstError(await BodyOf(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains("nope", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("FIELDS_ON_CORRECT_TYPE", error.GetProperty("extensions").GetProperty("graphql_code").GetString());
    }

    [Fact]
    public async Task Variables_OfWrongType_AreRejectedBeforeAnyPipelineRuns()
    {
        using var response = await PostAsync(_server.Client, "query Q($x: Int!) { strict(x: $x) { x } }", new { x = "not a number" }, GraphQLResponse);
        var body = await BodyOf(response);
        var error = FirstError(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains("$x", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_events.Events, e => e.Kind == BoundaryEventKind.RoutingHandoff);
    }

    [Fact]
    public async Task ResolverError_CarriesTaxonomyCodeAndRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ fail(code: \"conflict\", message: \"already there\") { x } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-request-id", "gql-req-7");
        request.Headers.Accept.ParseAdd(GraphQLResponse);

        using var response = await _server.Client.SendAsync(request);
        var body = await BodyOf(response);
        var error = FirstError(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"fail":null}""", body.GetProperty("data").GetRawText());
        Assert.Equal("already there", error.GetProperty("message").GetString());
        Assert.Equal("conflict", CodeOf(error));
        Assert.Equal("gql-req-7", error.GetProperty("extensions").GetProperty("request_id").GetString());
        Assert.Equal("fail", error.GetProperty("path")[0].GetString());
        Assert.Equal("gql-req-7", response.Headers.GetValues("x-request-id").Single());
        await _events.WaitForAsync(e => e.RequestId == "gql-req-7" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "conflict");
    }

    [Fact]
    public async Task Answer_NotFittingDeclaredType_IsInternalOnThatField()
    {
        using var response = await PostAsync(_server.Client, """{ mismatch(x: "abc") { x } }""");
        var body = await BodyOf(response);
        var error = FirstError(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"mismatch":{"x":null}}""", body.GetProperty("data").GetRawText());
        Assert.Equal("internal", CodeOf(error));
        Assert.Equal("the pipeline answered a string where the schema declares Int", error.GetProperty("message").GetString());
        Assert.Equal("""["mismatch","x"]""", error.GetProperty("path").GetRawText());
    }

    [Fact]
    public async Task Draining_RefusesWith503()
    {
        var (server, _) = await StartAsync();
        await using var _s = server;
        var drain = (Portway.Internal.Lifecycle.DrainCoordinator)server.Services.GetService(typeof(Portway.Internal.Lifecycle.DrainCoordinator))!;
        drain.BeginDrain();

        using var response = await PostAsync(server.Client, "{ echo(x: 1) { x } }");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", CodeOf(FirstError(await BodyOf(response))));
    }

    [Fact]
    public async Task Resolver_PastTimeout_AnswersTimeoutAndLeavesNoWaiter()
    {
        using var response = await PostAsync(_server.Client, "{ wait(ms: 60000) { ms } }", path: "/graphql-tight");
        var body = await BodyOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("timeout", CodeOf(FirstError(body)));
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, TimeSpan.FromSeconds(10), "pending waiters back to 0");
    }

    [Fact]
    public async Task Query_OverMaxDepth_IsRejectedBeforeExecution()
    {
        using var response = await PostAsync(_server.Client, "{ wait(ms: 0) { inner { deeper { deeper { n } } } } }", accept: GraphQLResponse, path: "/graphql-tight");
        var body = await BodyOf(response);
        var error = FirstError(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains("depth", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Query_OverMaxComplexity_IsRejectedBeforeExecution()
    {
        using var within = await PostAsync(_server.Client, "{ wait(ms: 0) { ms } }", path: "/graphql-tight");
        using var over = await PostAsync(_server.Client, "{ a: wait(ms: 0) { ms } b: wait(ms: 0) { ms } c: wait(ms: 0) { ms } }", accept: GraphQLResponse, path: "/graphql-tight");
        var error = FirstError(await BodyOf(over));

        // Within the budget the document is executed (data is present, whatever the field answers in time).
        Assert.True((await BodyOf(within)).TryGetProperty("data", out _));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains("complexity", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Introspection_StandardQuery_DescribesTheSchema()
    {
        using var response = await PostAsync(_server.Client, IntrospectionQuery.Text);
        var body = await BodyOf(response);
        Assert.True(body.TryGetProperty("data", out _), body.ToString());
        var schema = body.GetProperty("data").GetProperty("__schema");
        var types = schema.GetProperty("types").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.Equal("Query", schema.GetProperty("queryType").GetProperty("name").GetString());
        Assert.Equal("Mutation", schema.GetProperty("mutationType").GetProperty("name").GetString());
        var echoFields = types["Echo"].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["x", "s", "f", "b", "id", "tags", "inner"], echoFields);
        var strict = types["Query"].GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "strict");
        Assert.Equal("NON_NULL", strict.GetProperty("type").GetProperty("kind").GetString());
        Assert.Equal("Echo", strict.GetProperty("type").GetProperty("ofType").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Get_Query_IsServed()
    {
        var query = Uri.EscapeDataString("query Q($x: Int) { echo(x: $x) { x } }");
        var variables = Uri.EscapeDataString("""{"x":9}""");
        using var response = await _server.Client.GetAsync($"/graphql?query={query}&variables={variables}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"echo":{"x":9}}""", (await BodyOf(response)).GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("query=%7B%20echo%20%7B%20x%20%7D%20%7D%23%FF", "'query'")] // in a comment: passed through as U+FFFD it ran, 200
    [InlineData("query=%7B%20echo%20%7B%20x%20%7D%20%7D&variables=%7B%22x%22%3A%22%C3%28%22%7D", "'variables'")]
    [InlineData("query=%7B%20echo%20%7B%20x%20%7D%20%7D&operationName=%ED%A0%80", "'operationName'")] // an encoded surrogate
    public async Task Get_InvalidUtf8AfterPercentDecoding_Answers400(string queryString, string parameter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?" + queryString);
        request.Headers.Add("x-request-id", "req-ff");
        using var response = await _server.Client.SendAsync(request);
        var error = FirstError(await BodyOf(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains(parameter, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("req-ff", error.GetProperty("extensions").GetProperty("request_id").GetString());
        Assert.DoesNotContain(_events.Events, e => e.Kind == BoundaryEventKind.RoutingHandoff);
    }

    [Fact]
    public async Task Get_ValidUtf8PercentEncoded_IsServed()
    {
        // "é" as %C3%A9 inside a string argument is valid UTF-8 and reaches the pipeline decoded.
        using var response = await _server.Client.GetAsync("/graphql?query=%7B%20echo%28x%3A%201%29%20%7B%20x%20%7D%20%7D%23%20caf%C3%A9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"echo":{"x":1}}""", (await BodyOf(response)).GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Get_Mutation_Answers405()
    {
        var query = Uri.EscapeDataString("""mutation { put(s: "no") { s } }""");
        using var response = await _server.Client.GetAsync($"/graphql?query={query}");
        var error = FirstError(await BodyOf(response));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", CodeOf(error));
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.DoesNotContain(_events.Events, e => e.Kind == BoundaryEventKind.RoutingHandoff);
    }

    [Fact]
    public async Task OtherMethod_Answers405WithAllow()
    {
        using var response = await _server.Client.PutAsync("/graphql", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", CodeOf(FirstError(await BodyOf(response))));
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Post_WrongContentType_Answers415()
    {
        using var response = await _server.Client.PostAsync("/graphql", new StringContent("{ echo { x } }", Encoding.UTF8, "application/graphql"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", CodeOf(FirstError(await BodyOf(response))));
    }

    [Theory]
    [InlineData("""{"query": "{ echo { x } }" """, "malformed JSON")]
    [InlineData("""["{ echo { x } }"]""", "JSON object")]
    [InlineData("""{"variables": {}}""", "'query'")]
    [InlineData("""{"query": "{ echo { x } }", "variables": [1]}""", "'variables'")]
    public async Task Post_MalformedRequest_Answers400(string json, string expected)
    {
        using var response = await _server.Client.PostAsync("/graphql", new StringContent(json, Encoding.UTF8, "application/json"));
        var error = FirstError(await BodyOf(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", CodeOf(error));
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OverMaxBodyBytes_Answers413()
    {
        var big = new string('x', 5000);
        using var response = await PostAsync(_server.Client, "{ echo(s: \"" + big + "\") { s } }");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", CodeOf(FirstError(await BodyOf(response))));
    }

    [Fact]
    public async Task Correlation_CallersTraceparent_IsKeptAndReturned()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ echo(x: 1) { x } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await _server.Client.SendAsync(request);
        var requestId = response.Headers.GetValues("x-request-id").Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"00-{traceId}-", response.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);
        var delivered = await _events.WaitForAsync(e => e.RequestId == requestId && e.Kind == BoundaryEventKind.EgressDelivered);
        Assert.Equal(traceId, delivered.TraceId);
        Assert.Equal("graphql", delivered.Interface);
    }

    [Fact]
    public async Task Accept_PrefersByQuality()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ echo(x: 1) { x } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json; q=0.9"));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(GraphQLResponse));

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(GraphQLResponse, response.Content.Headers.ContentType!.MediaType);
    }
}
