namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.web.interfaces[].endpoints</c>.</summary>
public sealed class EndpointConfig
{
    /// <summary><c>route</c> (required): <c>"METHOD /path/{param}"</c>.</summary>
    public string Route { get; set; } = "";

    /// <summary><c>pipeline</c> (required): the pipeline that answers.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>timeout_ms</c>: the caller's deadline. Defaults to 30000.</summary>
    public int TimeoutMs { get; set; } = 30_000;

    /// <summary><c>max_body_bytes</c>: the largest request body. Defaults to 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The method part of <see cref="Route"/>, upper case (filled in by normalization).</summary>
    public string Method { get; set; } = "";

    /// <summary>The path part of <see cref="Route"/> (filled in by normalization).</summary>
    public string Path { get; set; } = "";
}
