namespace Portway.Adapters.Tests.Policies;

/// <summary>Config snippets for the policy tests.</summary>
internal static class PolicyYaml
{
    public const string HsJwt = """
        auth:
          jwt:
            issuer: https://id.test
            audience: portway-test
            hs256_secret_file: {DIR}/jwt.key
            clock_skew_seconds: 5
        """;

    public const string Pipelines = """
        pipelines:
          who: { stages: [ { name: who, node: test.identity } ] }
          gate: { stages: [ { name: wait, node: test.gate } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
        """;

    /// <summary>A config with <paramref name="jwt"/> under runtime.web and the http endpoints given (indented as list items).</summary>
    public static string Http(string endpoints, string jwt = HsJwt, string interfaceExtra = "") => $"""
        runtime:
          web:
        {Indent(jwt, 4)}
            interfaces:
              - kind: http
        {Indent(interfaceExtra, 8)}
                endpoints:
        {Indent(endpoints, 10)}
        {Pipelines}
        """;

    public static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));
}
