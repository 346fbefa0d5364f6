namespace Portway.Configuration;

/// <summary><c>runtime.web.health</c> / <c>ready</c> / <c>stats</c> and the other built-in endpoints.</summary>
public sealed class BuiltinEndpointConfig
{
    /// <summary><c>enabled</c>. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>path</c>. Defaults to <c>/health</c>, <c>/ready</c>, <c>/stats</c>...</summary>
    public string Path { get; set; } = "";
}
