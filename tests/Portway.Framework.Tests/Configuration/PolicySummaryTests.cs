using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>portway check</c>'s effective policy of every endpoint, operation and field: each kind of limit, scopes, tenant, cache.</summary>
public sealed class PolicySummaryTests
{
    private static PortwayConfig Load()
    {
        var result = PortwayConfigLoader.Load("""
            runtime:
              web:
                auth:
                  jwt: { issuer: https://id.test, audience: portway-test, hs256_secret_generated: true }
                interfaces:
                  - kind: http
                    cors: { origins: ["https://app.example.com"], methods: [GET, POST], credentials: true, max_age_s: 120 }
                    endpoints:
                      - { route: "GET /v1/tenants/{tenant}/a", pipeline: echo, tenant: from_token, scopes: [read], rate_limit: { kind: sliding, permit: 50, window_s: 60, segments: 4, by: subject }, cache: { ttl_s: 300 } }
                      - { route: "GET /v1/b", pipeline: echo, auth: none, rate_limit: { kind: token_bucket, permit: 10, window_s: 5, tokens_per_period: 2 }, cache: { ttl_s: 30, shared: true } }
                      - { route: "GET /v1/c", pipeline: echo, rate_limit: { kind: concurrency, permit: 3, by: tenant } }
                  - kind: websocket
                    auth: none
                    endpoints:
                      - route: /v1/ws
                        message_rate: { permit: 20, window_s: 10 }
                        operations:
                          open: echo
                          mine: { pipeline: echo, auth: required, tenant: from_token, rate_limit: { permit: 5, window_s: 60, by: subject } }
                  - kind: graphql
                    query:
                      e: { pipeline: echo, args: { tenant: String! }, returns: String, tenant: from_token, rate_limit: { permit: 100, window_s: 60, by: tenant } }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """, "policies.yaml", ["sys.echo"]);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config!;
    }

    [Fact]
    public void Render_PrintsTheEffectivePolicyOfEveryEndpointOperationAndField()
    {
        var text = ContractSummary.Render(Load());

        foreach (var line in new[]
        {
            "  auth             jwt issuer=https://id.test, audience=portway-test, key=hs256_secret_generated, clock_skew_seconds=30, tenant_claim=tenant, scope_claim=scope, token_lifetime_s=900\n",
            "  cors origins=[https://app.example.com], methods=[GET, POST], headers=[content-type, authorization, x-request-id, traceparent], credentials=true, max_age_s=120\n",
            "    policy auth=required, scopes=[read], tenant=from_token, rate_limit=sliding 50/60s (4 segments) by subject, cache=ttl_s 300\n",
            "    policy auth=none, rate_limit=token_bucket 10 (+2/5s) by client, cache=ttl_s 30 shared\n",
            "    policy auth=required, rate_limit=concurrency 3 at once by tenant\n",
            "    policy auth=none, rate_limit=none, message_rate=fixed 20/10s by socket\n",
            "    op open -> echo\n",
            "    op mine -> echo (policy auth=required, tenant=from_token, rate_limit=fixed 5/60s by subject)\n",
            "    policy auth=required, tenant=from_token, rate_limit=fixed 100/60s by tenant\n",
        })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
    }
}
