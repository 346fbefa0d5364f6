namespace Portway.Internal.Configuration;

/// <summary>
/// The YAML keys allowed at each place of a Portway file, and the allowed values of its enums.
/// <see cref="MappingReader"/> checks a mapping against one of these lists; the binder reads only listed keys.
/// </summary>
internal static class ConfigSchema
{
    public static readonly string[] Root = ["runtime", "pipelines"];
    public static readonly string[] Runtime = ["platform", "web", "observability", "egress"];
    public static readonly string[] Egress = ["http", "websocket"];
    public static readonly string[] HttpEgress = ["name", "base_url", "timeout_ms", "total_timeout_ms", "max_response_bytes", "headers", "retry", "breaker"];
    public static readonly string[] WebSocketEgress = ["name", "url", "connect_timeout_ms", "send_queue_limit", "headers", "reconnect"];
    public static readonly string[] EgressRetry = ["max_retries", "base_delay_ms", "max_delay_ms", "jitter"];
    public static readonly string[] EgressBreaker = ["failure_ratio", "min_throughput", "sampling_ms", "break_ms"];
    public static readonly string[] EgressReconnect = ["base_delay_ms", "max_delay_ms", "jitter"];
    public static readonly string[] EgressSecret = ["env", "file"];
    public static readonly string[] Observability = ["service_name", "otlp_endpoint", "otlp_protocol", "sampling_ratio"];
    public static readonly string[] OtlpProtocols = ["grpc", "http/protobuf"];
    public static readonly string[] Platform = ["kv", "redis", "execution_ipc", "process_groups", "data_dir", "profile_store"];
    public static readonly string[] Redis = ["connection", "key_prefix", "claim_idle_ms", "stream_max_length"];
    public static readonly string[] Kv = ["backend"];
    public static readonly string[] ExecutionIpc = ["transport", "bind_host", "bind_port", "auth", "max_payload_bytes"];
    public static readonly string[] Auth = ["mode", "ttl_seconds", "nonce_cache_size", "sign_in_process", "secret_file"];
    public static readonly string[] ProcessGroup = ["name", "stages", "replicas"];
    public static readonly string[] Web = ["listen", "drain_timeout_ms", "health", "ready", "stats", "metrics", "openapi", "docs", "dashboard", "tls", "interfaces", "auth", "cache_clear", "policy_store"];
    public static readonly string[] WebAuth = ["jwt"];
    public static readonly string[] Jwt =
        ["issuer", "audience", "hs256_secret_file", "hs256_secret_env", "hs256_secret_generated", "public_key_file", "jwks_file", "clock_skew_seconds", "tenant_claim", "scope_claim", "token_lifetime_s", "hs256_secret", "secret", "key"];
    public static readonly string[] RateLimit = ["kind", "permit", "window_s", "segments", "tokens_per_period", "by"];
    public static readonly string[] Cache = ["ttl_s", "shared"];
    public static readonly string[] Cors = ["origins", "methods", "headers", "credentials", "max_age_s"];
    public static readonly string[] Tls = ["cert_path", "key_path", "password"];
    public static readonly string[] BuiltinEndpoint = ["enabled", "path"];
    public static readonly string[] CacheClear = ["enabled", "path", "scope"];
    public static readonly string[] Pipeline = ["stages"];
    public static readonly string[] Stage = ["name", "node", "after", "group", "with"];
    public static readonly string[] WebSocketOperation = ["pipeline", "auth", "scopes", "tenant", "rate_limit"];
    public static readonly string[] GraphQLField = ["pipeline", "args", "returns", "auth", "scopes", "tenant", "rate_limit"];
    public static readonly string[] Schedule = ["name", "pipeline", "every_ms", "schedule", "timeout_ms"];

    private static readonly string[] InterfaceCommon = ["kind", "binds", "auth", "cors"];
    private static readonly string[] InterfaceHttp = [.. InterfaceCommon, "endpoints"];
    private static readonly string[] InterfaceGraphQL =
        [.. InterfaceCommon, "path", "types", "query", "mutation", "subscription", "max_depth", "max_complexity", "max_tokens", "max_fields", "max_in_flight", "send_queue_limit", "send_queue_bytes", "max_connections", "timeout_ms", "max_body_bytes"];
    private static readonly string[] InterfaceTimer = ["kind", "binds", "schedules"];
    private static readonly string[] InterfaceAny = [.. InterfaceHttp, .. InterfaceGraphQL.Except(InterfaceCommon), "schedules"];

    private static readonly string[] EndpointCommon = ["route", "pipeline", "timeout_ms", "max_body_bytes", "auth", "scopes", "tenant", "rate_limit"];
    private static readonly string[] EndpointHttp = [.. EndpointCommon, "cache"];
    private static readonly string[] EndpointWebSocket =
        [.. EndpointCommon, "message_rate", "operations", "max_message_bytes", "send_queue_limit", "send_queue_bytes", "max_in_flight", "max_connections", "idle_timeout_ms", "ping_interval_ms"];

    /// <summary>Keys refused under <c>jwt</c> (listed in <see cref="Jwt"/> so they are reported as secrets, not as unknown): a secret written in the file itself.</summary>
    public static readonly string[] InlineSecretKeys = ["hs256_secret", "secret", "key"];
    public static readonly string[] AuthRequirements = ["required", "none"];
    public static readonly string[] TenantBindings = ["from_token"];
    public static readonly string[] RateLimitKinds = ["fixed", "sliding", "token_bucket", "concurrency"];
    public static readonly string[] RateLimitKeys = ["client", "subject", "tenant"];
    public static readonly string[] Transports = ["memory", "tcp_local", "redis"];
    public static readonly string[] KvBackends = ["memory", "redis"];
    public static readonly string[] PolicyStores = ["memory", "redis"];
    public static readonly string[] ProfileStores = ["file", "kv"];
    public static readonly string[] AuthModes = ["hmac", "none"];
    public static readonly string[] InterfaceKinds = ["http", "websocket", "graphql", "timer"];
    public static readonly string[] Binds = ["request", "response", "stream", "kv_stream"];
    public static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    public static readonly string[] GraphQLScalars = ["Int", "Float", "String", "Boolean", "ID"];
    public static readonly string[] GraphQLRootTypes = ["Query", "Mutation", "Subscription"];

    /// <summary>Keys of an interface of <paramref name="kind"/>; every interface key when the kind is missing or wrong.</summary>
    public static string[] Interface(string? kind) => kind switch
    {
        "http" or "websocket" => InterfaceHttp,
        "graphql" => InterfaceGraphQL,
        "timer" => InterfaceTimer,
        _ => InterfaceAny,
    };

    /// <summary>Keys of an endpoint of an interface of <paramref name="kind"/>.</summary>
    public static string[] Endpoint(string? kind) => kind == "http" ? EndpointHttp : EndpointWebSocket;
}
