using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Egress.Internal;
using Portway.Configuration;
using Portway.Egress;
using Portway.Testing;

namespace Portway.Adapters.Tests.Egress;

/// <summary>Builds egress clients over the real config loader, and drives a fake clock until a call completes.</summary>
internal static class EgressTestClient
{
    /// <summary>An <see cref="EgressHub"/> for <c>runtime.egress</c> YAML (indented under <c>egress:</c>).</summary>
    public static EgressHub Hub(string egressYaml, TimeProvider time)
    {
        var config = TestConfig.Load("runtime:\n  egress:\n" + egressYaml + "\npipelines:\n  echo:\n    stages:\n      - { name: echo, node: sys.echo }\n");
        return new EgressHub(config, time, NullLoggerFactory.Instance);
    }

    /// <summary>Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="done"/> holds (at most 10 s of real time).</summary>
    public static Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step, string what) =>
        Eventually.TrueAsync(() =>
        {
            if (done()) return true;
            time.Advance(step);
            return false;
        }, TimeSpan.FromSeconds(20), what);

    public static EgressRequest Post(string path, string body = "{}", string traceParent = "") =>
        new() { Method = "POST", Path = path, Body = System.Text.Encoding.UTF8.GetBytes(body), TraceParent = traceParent };
}
