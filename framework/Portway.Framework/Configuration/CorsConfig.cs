namespace Portway.Configuration;

/// <summary><c>cors</c> of an interface: which browser origins may call it (ASP.NET Core's CORS, preflight answered without a node).</summary>
public sealed class CorsConfig
{
    /// <summary><c>origins</c> (required): allowed origins (<c>https://app.example.com</c>), or <c>*</c>.</summary>
    public List<string> Origins { get; set; } = [];

    /// <summary><c>methods</c>: allowed methods. Defaults to the interface's own methods (any).</summary>
    public List<string> Methods { get; set; } = [];

    /// <summary><c>headers</c>: allowed request headers. Defaults to <c>content-type</c>, <c>authorization</c>, <c>x-request-id</c>, <c>traceparent</c>.</summary>
    public List<string> Headers { get; set; } = [];

    /// <summary><c>credentials</c>: allow cookies / authorization from the browser (not with <c>*</c>). Defaults to false.</summary>
    public bool Credentials { get; set; }

    /// <summary><c>max_age_s</c>: how long a browser may cache a preflight answer. Defaults to 600.</summary>
    public int MaxAgeS { get; set; } = 600;

    /// <summary>The allowed request headers: <see cref="Headers"/>, else the ones Portway reads.</summary>
    public IReadOnlyList<string> EffectiveHeaders =>
        Headers.Count > 0 ? Headers : ["content-type", "authorization", "x-request-id", "traceparent"];
}
