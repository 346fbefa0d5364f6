namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.web.interfaces</c>: one ingress kind and its endpoints.</summary>
public sealed class InterfaceConfig
{
    /// <summary><c>kind</c> (required): <c>http</c>, <c>websocket</c>, <c>graphql</c> or <c>timer</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary><c>binds</c>: ports this interface binds (<c>request</c>, <c>response</c>, <c>stream</c>, <c>kv_stream</c>).</summary>
    public List<string> Binds { get; set; } = [];

    /// <summary>
    /// <c>cors.origins</c>: the origins (<c>https://app.example</c>) whose pages may open this interface's WebSockets
    /// (<c>/v1/ws</c>, <c>/graphql</c>). Empty (the default) means the server's own origin only. A client that sends
    /// no <c>Origin</c> is not a browser and is not checked.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary><c>endpoints</c>.</summary>
    public List<EndpointConfig> Endpoints { get; set; } = [];

    /// <summary><c>path</c> (graphql only): where the GraphQL endpoint listens. Defaults to <c>/graphql</c>.</summary>
    public string Path { get; set; } = "/graphql";

    /// <summary><c>types</c> (graphql only): object type name → field name → type reference (<c>Int</c>, <c>String!</c>, <c>[Tick!]</c>...).</summary>
    public Dictionary<string, Dictionary<string, string>> Types { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>query</c> (graphql only): field name → the pipeline behind it.</summary>
    public Dictionary<string, GraphQLFieldConfig> Query { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>mutation</c> (graphql only).</summary>
    public Dictionary<string, GraphQLFieldConfig> Mutation { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>subscription</c> (graphql only): fields backed by stream-producing pipelines.</summary>
    public Dictionary<string, GraphQLFieldConfig> Subscription { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>max_depth</c> (graphql only): the deepest selection a query may have. Defaults to 15.</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary><c>max_complexity</c> (graphql only): graphql-dotnet's complexity budget per document. Defaults to 1000.</summary>
    public int MaxComplexity { get; set; } = 1000;

    /// <summary><c>max_tokens</c> (graphql only): the most lexical tokens a document may have, counted before it is parsed. Defaults to 15000.</summary>
    public int MaxTokens { get; set; } = 15_000;

    /// <summary>
    /// <c>max_fields</c> (graphql only): the most field selections a document may have once every fragment spread is
    /// expanded, checked before validation. Defaults to 1000.
    /// </summary>
    public int MaxFields { get; set; } = 1000;

    /// <summary><c>max_in_flight</c> (graphql only): the most operations one WebSocket connection may run at once. Defaults to 100.</summary>
    public int MaxInFlight { get; set; } = 100;

    /// <summary>
    /// <c>send_queue_limit</c> (graphql only): messages queued for one WebSocket connection. While the queue is full
    /// the connection's next messages are not read; full for <c>timeout_ms</c> closes it (1013). Defaults to 256.
    /// </summary>
    public int SendQueueLimit { get; set; } = 256;

    /// <summary>
    /// <c>send_queue_bytes</c> (graphql only): the same bound in bytes (one larger message still goes into an empty
    /// queue). Defaults to 1 MiB.
    /// </summary>
    public int SendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary><c>max_connections</c> (graphql only): WebSocket connections open at once; one more upgrade is refused with 503. Defaults to 10000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary><c>timeout_ms</c> (graphql only): each field's deadline. Defaults to 30000.</summary>
    public int TimeoutMs { get; set; } = 30_000;

    /// <summary><c>max_body_bytes</c> (graphql only): the largest request document. Defaults to 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>auth</c>: <c>required</c> (a valid bearer token) or <c>none</c>, for endpoints that do not say. Defaults to <c>required</c> when <c>runtime.web.auth.jwt</c> is set, else <c>none</c>.</summary>
    public string Auth { get; set; } = "";

    /// <summary><c>cors</c>: browser origins, methods, headers, credentials and max age for HTTP CORS; null when not set (no CORS headers). Its origins are also <see cref="CorsOrigins"/>.</summary>
    public CorsConfig? Cors { get; set; }

    /// <summary><c>schedules</c> (timer only, at least one): the pipelines the timer runs, and how often.</summary>
    public List<ScheduleConfig> Schedules { get; set; } = [];
}
