using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

public sealed class PortwayConfigLoaderTests
{
    private static readonly string[] Nodes = ["sys.delay", "sys.echo", "sys.fail"];

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", Nodes);

    private static PortwayConfig LoadValid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config!;
    }

    private static ConfigProblem Single(string yaml)
    {
        var result = Load(yaml);
        Assert.Null(result.Config);
        return Assert.Single(result.Problems);
    }

    private const string Echo = """
        pipelines:
          echo:
            stages:
              - { name: echo, node: sys.echo }
        """;

    [Fact]
    public void Load_UnknownKey_SuggestsClosestKey()
    {
        var problem = Single("""
            runtime:
              web:
                drain_timout_ms: 10
            """);

        Assert.Equal("unknown key 'drain_timout_ms' in runtime.web; did you mean 'drain_timeout_ms'?", problem.Message);
        Assert.Equal((3, 5), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_UnknownKeyFarFromAnyAllowed_HasNoSuggestion()
    {
        var problem = Single("""
            runtime:
              banana: 1
            """);

        Assert.Equal("unknown key 'banana' in runtime", problem.Message);
    }

    [Fact]
    public void Load_WrongType_ReportsExpectedIntegerAtValuePosition()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo, timeout_ms: abc }
            """);

        Assert.Equal("timeout_ms: expected an integer, got 'abc'", problem.Message);
        Assert.Equal(("test.yaml", 10, 67), (problem.File, problem.Line, problem.Column));
        Assert.Equal("test.yaml:10:67: timeout_ms: expected an integer, got 'abc'", problem.ToString());
    }

    [Fact]
    public void Load_MissingRequiredKey_NamesKeyAndPlace()
    {
        var problem = Single("""
            pipelines:
              echo:
                stages:
                  - { name: echo }
            """);

        Assert.Equal("missing required key 'node' in stage 'echo' of pipeline 'echo'", problem.Message);
        Assert.Equal((4, 9), (problem.Line, problem.Column));
    }

    [Theory]
    [InlineData("execution_ipc: { bind_port: 65536 }", "bind_port: must be between 0 and 65535, got 65536")]
    [InlineData("execution_ipc: { max_payload_bytes: 0 }", "max_payload_bytes: must be at least 1, got 0")]
    [InlineData("process_groups: [{ name: cpu, replicas: -1 }]", "replicas: must be at least 0, got -1")]
    [InlineData("process_groups: [{ name: cpu, replicas: 0 }]", "replicas: 0 leaves process group 'cpu' with no process to run its stages; only execution_ipc.transport redis has standalone workers (portway worker --group cpu), transport is memory (use replicas 1 or more)")]
    [InlineData("execution_ipc: { transport: tcp }", "transport: expected one of memory, tcp_local, redis, got 'tcp'")]
    [InlineData("kv: { backend: redi }", "backend: expected one of memory, redis, got 'redi'; did you mean 'redis'?")]
    [InlineData("execution_ipc: { auth: { mode: off } }", "mode: expected one of hmac, none, got 'off'")]
    public void Load_OutOfRangeOrEnumValue_IsReported(string platformLine, string expected)
    {
        var problem = Single($"""
            runtime:
              platform:
                {platformLine}
            """);

        Assert.Equal(expected, problem.Message);
    }

    [Fact]
    public void Load_Cycle_NamesTheCycleInRunOrder()
    {
        var problem = Single("""
            pipelines:
              loop:
                stages:
                  - { name: a, node: sys.echo, after: [c] }
                  - { name: b, node: sys.echo, after: [a] }
                  - { name: c, node: sys.echo, after: [b] }
                  - { name: d, node: sys.echo, after: [c] }
            """);

        Assert.Equal("pipeline 'loop' has a cycle: a -> b -> c -> a", problem.Message);
        Assert.Equal((2, 3), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_TwoSinks_NamesBothSinks()
    {
        var problem = Single("""
            pipelines:
              fork:
                stages:
                  - { name: a, node: sys.echo }
                  - { name: b, node: sys.echo, after: [a] }
                  - { name: c, node: sys.echo, after: [a] }
            """);

        Assert.Equal("pipeline 'fork' has 2 sink stages (b, c); exactly one stage may have no stage after it", problem.Message);
    }

    [Fact]
    public void Load_DanglingAfter_IsReportedAtTheName()
    {
        var problem = Single("""
            pipelines:
              p:
                stages:
                  - { name: first, node: sys.echo }
                  - { name: second, node: sys.echo, after: [frist] }
            """);

        Assert.Equal("stage 'second' of pipeline 'p' runs after unknown stage 'frist'; did you mean 'first'?", problem.Message);
        Assert.Equal((5, 49), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_DuplicateRoute_IsReportedAtTheSecondRoute()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "GET /v1/items/{id}", pipeline: echo }
                      - { route: "get /v1/items/{other}/", pipeline: echo }
            """);

        Assert.Equal("duplicate route 'get /v1/items/{other}/': 'GET /v1/items/{id}' at 10:22 already takes GET /v1/items/{other}/", problem.Message);
        Assert.Equal(11, problem.Line);
    }

    [Fact]
    public void Load_UnknownPipeline_SuggestsClosestPipeline()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: ecoh }
            """);

        Assert.Equal("endpoint 'POST /v1/echo' names unknown pipeline 'ecoh'; did you mean 'echo'?", problem.Message);
    }

    [Fact]
    public void Load_UnknownNode_SuggestsClosestNode()
    {
        var problem = Single("""
            pipelines:
              p:
                stages:
                  - { name: a, node: sys.dealy }
            """);

        Assert.Equal("unknown node 'sys.dealy' in stage 'a' of pipeline 'p'; did you mean 'sys.delay'?", problem.Message);
        Assert.Equal((4, 26), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_ManyProblems_ReportsAllSortedByPosition()
    {
        var result = Load("""
            runtime:
              platform:
                execution_ipc: { transport: tcp, bind_port: x }
              web:
                drain_timeout_ms: 0
            pipelines:
              p:
                stages:
                  - { name: a, node: nope, after: [zz] }
            """);

        Assert.Null(result.Config);
        Assert.Equal(5, result.Problems.Count);
        Assert.Equal(result.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column), result.Problems);
    }

    [Fact]
    public void Load_SyntaxError_IsOneProblemAtParserPosition()
    {
        var problem = Single("""
            runtime:
              web:
                listen: http://127.0.0.1:8080
               drain_timeout_ms: 5
            """);

        Assert.StartsWith("YAML syntax error: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal((4, 4), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_UnclosedFlowMapping_IsAProblemNotAnException()
    {
        var problem = Single("""
            pipelines:
              p:
                stages:
                  - { name: a, node: sys.echo
            runtime:
              web: {}
            """);

        Assert.StartsWith("YAML syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_IsAProblem()
    {
        var problem = Single("# nothing here\n");

        Assert.Equal((1, 1), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_MinimalFile_FillsDefaults()
    {
        var config = LoadValid(Echo);

        var platform = config.Runtime.Platform;
        Assert.Equal("test.yaml", config.Source);
        Assert.Equal("memory", platform.Kv.Backend);
        Assert.Equal("memory", platform.ExecutionIpc.Transport);
        Assert.Equal("hmac", platform.ExecutionIpc.Auth.Mode);
        Assert.Equal(30, platform.ExecutionIpc.Auth.TtlSeconds);
        Assert.Equal(1024 * 1024, platform.ExecutionIpc.MaxPayloadBytes);
        Assert.Equal("./data", platform.DataDir);
        var group = Assert.Single(platform.ProcessGroups);
        Assert.Equal(("web", 1), (group.Name, group.Replicas));
        Assert.Equal(["echo.echo"], group.Stages);
        Assert.Equal("http://127.0.0.1:8080", config.Runtime.Web.Listen);
        Assert.Equal("/health", config.Runtime.Web.Health.Path);
        var pipeline = config.Pipelines["echo"];
        Assert.Equal(("echo", "echo"), (pipeline.Name, pipeline.Sink));
        Assert.Equal("web", pipeline.Stages[0].Group);
    }

    [Fact]
    public void Load_GroupsWithoutWeb_AddsWebAndAssignsListedStages()
    {
        var config = LoadValid("""
            runtime:
              platform:
                execution_ipc: { transport: tcp_local }
                process_groups:
                  - { name: cpu, stages: [core], replicas: 2 }
            pipelines:
              p:
                stages:
                  - { name: core, node: sys.echo }
                  - { name: tail, node: sys.echo, after: [core] }
            """);

        var groups = config.Runtime.Platform.ProcessGroups;
        Assert.Equal(["web", "cpu"], groups.Select(g => g.Name));
        Assert.Equal(["p.tail"], groups[0].Stages);
        Assert.Equal(["p.core"], groups[1].Stages);
        Assert.Equal("cpu", config.Pipelines["p"].Stages[0].Group);
    }

    [Fact]
    public void Load_Endpoint_FillsMethodAndPathFromRoute()
    {
        var config = LoadValid(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "put /v1/t/{tenant}", pipeline: echo }
                  - kind: websocket
                    endpoints:
                      - { route: /ws, operations: { say: echo } }
            """);

        var http = config.Runtime.Web.Interfaces[0];
        Assert.Equal(("PUT", "/v1/t/{tenant}", 30_000), (http.Endpoints[0].Method, http.Endpoints[0].Path, http.Endpoints[0].TimeoutMs));
        Assert.Equal(["request", "response"], http.Binds);
        var ws = config.Runtime.Web.Interfaces[1];
        Assert.Equal(("GET", "/ws", "echo"), (ws.Endpoints[0].Method, ws.Endpoints[0].Path, ws.Endpoints[0].Operations["say"]));
        Assert.Equal(["stream"], ws.Binds);
    }

    [Fact]
    public void Load_Dag_OrdersStagesTopologicallyWithFileOrderTies()
    {
        var config = LoadValid("""
            pipelines:
              fan:
                stages:
                  - { name: join, node: sys.echo, after: [c, b] }
                  - { name: c, node: sys.echo, after: [a] }
                  - { name: b, node: sys.echo, after: [a] }
                  - { name: a, node: sys.echo }
            """);

        var pipeline = config.Pipelines["fan"];
        Assert.Equal(["a", "c", "b", "join"], pipeline.Order);
        Assert.Equal("join", pipeline.Sink);
    }

    [Fact]
    public void Load_With_BecomesJsonObjectTypedByCoreSchema()
    {
        var config = LoadValid("""
            pipelines:
              p:
                stages:
                  - name: a
                    node: sys.delay
                    with:
                      ms: 250
                      ratio: 0.5
                      on: true
                      nothing: null
                      quoted: "42"
                      word: hello
                      list: [1, two]
                      nested: { k: v }
            """);

        var with = config.Pipelines["p"].Stages[0].With;
        Assert.NotNull(with);
        Assert.Equal(
            """{"ms":250,"ratio":0.5,"on":true,"nothing":null,"quoted":"42","word":"hello","list":[1,"two"],"nested":{"k":"v"}}""",
            with.ToJsonString());
        Assert.Equal(250, with["ms"]!.GetValue<int>());
        Assert.IsType<JsonObject>(with["nested"]);
    }

    [Fact]
    public void Load_GraphQLInterface_BindsTypesAndFields()
    {
        var config = LoadValid(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    types:
                      Reply: { text: String!, tags: "[String!]!" }
                    query:
                      echo: { pipeline: echo, args: { text: String! }, returns: Reply }
            """);

        var gql = config.Runtime.Web.Interfaces[0];
        Assert.Equal("/graphql", gql.Path);
        Assert.Equal("[String!]!", gql.Types["Reply"]["tags"]);
        Assert.Equal(("echo", "Reply", "String!"), (gql.Query["echo"].Pipeline, gql.Query["echo"].Returns, gql.Query["echo"].Args["text"]));
    }

    [Fact]
    public void Load_GraphQLUnknownType_SuggestsScalar()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    query:
                      echo: { pipeline: echo, returns: "[Strng!]" }
            """);

        Assert.Equal("query field 'echo': unknown type 'Strng'; expected Int, Float, String, Boolean, ID; did you mean 'String'?", problem.Message);
    }

    [Fact]
    public void Load_GraphQLBadNames_ReportsEachWithPosition()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    types:
                      Query: { x: Int }
                      Reply: { "bad-field": Int, __x: Int }
                    query:
                      echo: { pipeline: echo, args: { "my-arg": Int }, returns: Reply }
            """);

        var messages = result.Problems.Select(p => p.Message).ToArray();
        Assert.Contains("type 'Query' clashes with the root type of the same name; pick another name", messages);
        Assert.Contains(messages, m => m.StartsWith("field 'Reply.bad-field': 'bad-field' is not a GraphQL name", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("field 'Reply.__x': '__x' is not a GraphQL name", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("argument 'my-arg' of query field 'echo': 'my-arg' is not a GraphQL name", StringComparison.Ordinal));
        Assert.Equal(4, messages.Length);
        Assert.All(result.Problems, p => Assert.True(p.Line > 0));
    }

    [Fact]
    public void Load_GraphQLWithoutQueryField_IsAnError()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    mutation:
                      echo: { pipeline: echo, returns: String }
            """);

        Assert.Equal("graphql interface needs at least one query field (a GraphQL schema's Query type must have a field)", problem.Message);
    }

    [Fact]
    public void Load_GraphQLBindsWithoutStream_IsAnErrorWhenSubscriptionsExist()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    binds: [request, response]
                    query:
                      echo: { pipeline: echo, returns: String }
                    subscription:
                      more: { pipeline: echo, returns: String }
            """);

        Assert.Equal("binds: a graphql interface with query and subscription fields must bind stream", problem.Message);
    }

    [Fact]
    public void Load_GraphQLPipelineKinds_MustMatchOperations()
    {
        var yaml = Echo + """

              ticks:
                stages:
                  - { name: ticks, node: sys.ticks }
            runtime:
              web:
                interfaces:
                  - kind: graphql
                    types: { Tick: { n: Int! } }
                    query:
                      now: { pipeline: ticks, returns: Tick }
                    subscription:
                      more: { pipeline: echo, returns: Tick }
            """;

        var result = PortwayConfigLoader.Load(yaml, "test.yaml", ["sys.echo", "sys.ticks"], ["sys.ticks"]);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "query field 'now' names the stream pipeline 'ticks'; declare it under subscription",
                "subscription field 'more' names 'echo', which is not a stream pipeline (its sink must be a stream node, e.g. sys.ticks)",
            ],
            result.Problems.Select(p => p.Message));
        Assert.All(result.Problems, p => Assert.True(p.Line > 0 && p.Column > 0));
    }

    [Fact]
    public void Load_GraphQLUnquotedListType_SaysToQuoteIt()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: graphql
                    query:
                      echo: { pipeline: echo, returns: [String!] }
            """);

        Assert.Equal("returns: a list type must be quoted in YAML, e.g. \"[String!]\"", problem.Message);
    }

    [Fact]
    public void Load_GraphQLPathTakenByHttpGet_IsADuplicateRoute()
    {
        var problem = Single(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "GET /graphql", pipeline: echo }
                  - kind: graphql
                    query:
                      echo: { pipeline: echo, returns: String }
            """);

        Assert.StartsWith("duplicate route 'graphql /graphql': 'GET /graphql'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DoesNotApplyDataDirEnvironmentVariable()
    {
        Environment.SetEnvironmentVariable("PORTWAY_DATA_DIR", "/elsewhere");
        try
        {
            Assert.Equal("./data", LoadValid(Echo).Runtime.Platform.DataDir);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PORTWAY_DATA_DIR", null);
        }
    }
}
